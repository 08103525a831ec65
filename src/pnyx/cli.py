"""The `pnyx` command.

Sub-commands that only compute (``tally``, ``opinion-map``) run without Django; everything else is
a Django management command (``demo``, ``serve``, ``createadmin``, ``audit``, ``migrate`` ...).
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

# name -> module exposing ``main(argv: list[str]) -> int``
PURE_COMMANDS = {
    "tally": "pnyx.commands.tally",
    "opinion-map": "pnyx.commands.opinion_map",
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] in PURE_COMMANDS:
        module = import_module(PURE_COMMANDS[args[0]])
        try:
            code = int(module.main(args[1:]) or 0)
            sys.stdout.flush()
        except BrokenPipeError:
            # the reader went away (``pnyx tally FILE | head``): stop quietly, like other tools;
            # stdout goes to /dev/null so that Python's final flush does not fail again
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 1
        return code
    if args and args[0] == "demo":
        # Demo accounts exist only in demo mode, on their own database file.
        os.environ["PNYX_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pnyx.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pnyx", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
