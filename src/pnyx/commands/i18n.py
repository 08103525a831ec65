"""Translations for the command-line tools, which run without Django.

Python's own :mod:`gettext` reads the interface's compiled catalogues
(``pnyx/locale/{en,fr,es}/LC_MESSAGES/django.mo``), so a command's strings are translated in the
same ``.po`` files as the web pages. The language is the one asked for, else the environment's
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as gettext reads them), else English.

Strings are marked with :func:`gettext` (imported as ``_``), :func:`ngettext` and
:func:`pgettext`, which ``pnyx makemessages`` extracts like Django's own functions; they
translate into the language of the innermost :func:`language` block (English outside one).
"""

from __future__ import annotations

import argparse
import gettext as _gettext
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "django"
LANGUAGES = ("en", "fr", "es")

_ENGLISH = _gettext.NullTranslations()
_active: _gettext.NullTranslations = _ENGLISH


def translations(code: str | None = None) -> _gettext.NullTranslations:
    """The catalogue of language ``code``, or of the environment's language when ``code`` is
    None; English (the source strings) when there is none."""
    languages = [code] if code else None
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=languages, fallback=True)


@contextmanager
def language(code: str | None) -> Iterator[_gettext.NullTranslations]:
    """Translate into ``code`` (None: the environment's language) inside the block."""
    global _active
    saved = _active
    _active = translations(code)
    try:
        yield _active
    finally:
        _active = saved


@contextmanager
def english() -> Iterator[_gettext.NullTranslations]:
    """The source strings inside the block, whatever the environment (for machine output)."""
    global _active
    saved = _active
    _active = _ENGLISH
    try:
        yield _active
    finally:
        _active = saved


def gettext(message: str) -> str:
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _active.pgettext(context, message)


def add_language_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--language`` option every command that prints text for a person has."""
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default=None,
        help=gettext("language of the text (default: the environment's language, else English)"),
    )


class _LanguageOnly(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise ValueError(message)


def requested_language(argv: Sequence[str]) -> str | None:
    """The ``--language`` of ``argv`` when it is one we have (read before the command's own
    parser, so that its help and errors are translated too), else None (the environment
    decides)."""
    parser = _LanguageOnly(add_help=False)
    parser.add_argument("--language")
    try:
        known, _rest = parser.parse_known_args(list(argv))
    except ValueError:
        return None
    return known.language if known.language in LANGUAGES else None
