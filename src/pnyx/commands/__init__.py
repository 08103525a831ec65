"""`pnyx` sub-commands that need no database (they run without Django set up)."""
