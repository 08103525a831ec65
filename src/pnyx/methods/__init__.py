"""Pure algorithms (participatory budgeting, opinion maps, sortition).

Nothing in this package imports Django: apps call it with plain arrays.
"""


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation and return it unchanged.

    The methods stay free of Django and of any catalogue: they raise errors in English, and
    mark their templates with this function so that ``pnyx makemessages`` (whose keywords
    include ``gettext_noop``) puts them in the interface's catalogues. The caller that shows
    the text to a person translates it (see :class:`pnyx.methods.pabulib.PabulibError`)."""
    return message
