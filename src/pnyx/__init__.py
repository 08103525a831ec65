"""Pnyx: an open-government platform for local councils."""

__version__ = "0.1.0"
