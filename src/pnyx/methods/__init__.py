"""Pure algorithms (participatory budgeting, opinion maps, sortition).

Nothing in this package imports Django: apps call it with plain arrays.
"""
