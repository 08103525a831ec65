"""The interface in French, Spanish and English: complete catalogues, compiled .mo files that match
them, every marked string in the catalogue, pages answering in the reader's language and a
language switcher that works."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pnyx.core import audit
from tests import factories

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "pnyx"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("fr", "es", "en")
TRANSLATED = ("fr", "es")
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
}
# Directories whose strings are not checked: the counting methods (no Django, no gettext: the
# commands translate what they print; only their error templates, marked with their own
# ``gettext_noop``, are checked, see test_every_error_template_of_the_methods_is_in_the_catalogue),
# the catalogues themselves and static files.
NOT_SCANNED = ("methods", "locale", "static")


# --- a tiny .po reader ----------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def read_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and the (non-obsolete) entries of a .po file."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                current, target = None, None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index) if index is not None else 0)
                current.msgstr[target[1]] = value
            else:
                target = (keyword, 0)
                setattr(current, keyword, value)
        elif line.startswith('"') and target is not None:
            value = _unquote(line)
            if target[0] == "msgstr":
                current.msgstr[target[1]] += value
            else:
                setattr(current, target[0], (getattr(current, target[0]) or "") + value)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    header, *rest = entries
    assert header.msgid == "" and header.msgctxt is None, f"{path}: the header comes first"
    return header, rest


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def header_fields(header: Entry) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


_PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdifr]|%[sdifr]|\{[A-Za-z_]\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text.replace("%%", "")))


# --- (a) the catalogues are complete --------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header(language):
    header, _entries = read_po(po_path(language))
    assert "fuzzy" not in header.flags, "a fuzzy header is dropped by msgfmt"
    fields = header_fields(header)
    assert fields["Language"] == language
    assert fields["Plural-Forms"] == PLURAL_FORMS[language]
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Project-Id-Version"].startswith("Pnyx")
    for name in ("Last-Translator", "Language-Team", "PO-Revision-Date"):
        assert fields[name] and "FULL NAME" not in fields[name] and "YEAR" not in fields[name], name


def test_the_three_catalogues_hold_the_same_messages():
    keys = {
        language: [entry.key for entry in read_po(po_path(language))[1]] for language in LANGUAGES
    }
    assert keys["fr"] == keys["es"] == keys["en"]
    assert len(keys["fr"]) == len(set(keys["fr"])), "duplicate entries"
    assert len(keys["fr"]) > 250


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_is_translated_and_not_fuzzy(language):
    _header, entries = read_po(po_path(language))
    problems = []
    for entry in entries:
        where = f"line {entry.line} {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy")
        expected_forms = 2 if entry.msgid_plural is not None else 1
        if len(entry.msgstr) != expected_forms:
            problems.append(f"{where}: {len(entry.msgstr)} forms, expected {expected_forms}")
        for index, text in sorted(entry.msgstr.items()):
            source = entry.msgid_plural if index > 0 and entry.msgid_plural else entry.msgid
            # a separator may translate to a space (French writes 1 000 with a narrow one)
            if not text or (not text.strip() and len(source) > 1):
                problems.append(f"{where}: msgstr[{index}] is empty")
                continue
            if placeholders(text) != placeholders(source):
                problems.append(
                    f"{where}: placeholders {placeholders(text)} != {placeholders(source)}"
                )
            if "Pnyx" in source and "Pnyx" not in text:
                problems.append(f"{where}: the name Pnyx is translated")
    assert not problems, "\n".join(problems)


def test_english_falls_back_to_the_source_text():
    _header, entries = read_po(po_path("en"))
    assert all("fuzzy" not in entry.flags for entry in entries)
    assert all(not any(entry.msgstr.values()) for entry in entries)


# --- (b) the compiled .mo files match the .po files -----------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_up_to_date(language):
    mo = po_path(language).with_suffix(".mo")
    assert mo.is_file(), f"run `pnyx compilemessages` ({mo} is missing)"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info().get("plural-forms") == PLURAL_FORMS[language]
    _header, entries = read_po(po_path(language))
    stale = []
    for entry in entries:
        if entry.msgid_plural is None:
            expected = entry.msgstr[0] or entry.msgid
            got = (
                compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt is not None
                else compiled.gettext(entry.msgid)
            )
            if got != expected:
                stale.append(f"{entry.msgid!r}: .mo has {got!r}, .po has {expected!r}")
            continue
        for n, index in ((1, 0), (2, 1)):
            fallback = entry.msgid if n == 1 else entry.msgid_plural
            expected = entry.msgstr.get(index) or fallback
            got = (
                compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                if entry.msgctxt is not None
                else compiled.ngettext(entry.msgid, entry.msgid_plural, n)
            )
            if got != expected:
                stale.append(f"{entry.msgid!r} (n={n}): .mo has {got!r}, .po has {expected!r}")
    assert not stale, "run `pnyx compilemessages`:\n" + "\n".join(stale)


# --- (c) every marked string is in the catalogue --------------------------------------------


def _scanned(pattern: str) -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob(pattern)
        if not set(path.relative_to(PACKAGE).parts[:-1]) & set(NOT_SCANNED)
        and "migrations" not in path.parts
    )


_TRANSLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msgid>.*?)(?P=q)"""
    r"""(?:\s+context\s+(?P<cq>["'])(?P<context>.*?)(?P=cq))?[^%]*%\}"""
)


def catalogue_keys() -> set[tuple[str | None, str]]:
    return {entry.key for entry in read_po(po_path("fr"))[1]}


def test_every_translate_tag_in_the_templates_is_in_the_catalogue():
    templates = [path for path in _scanned("*.html") if "templates" in path.parts]
    assert len(templates) > 20
    keys = catalogue_keys()
    found, missing = 0, []
    for path in templates:
        for match in _TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            found += 1
            key = (match.group("context"), match.group("msgid"))
            if key not in keys:
                missing.append(f"{path.relative_to(PACKAGE)}: {key}")
    assert found > 100
    assert not missing, "run `pnyx makemessages` and translate:\n" + "\n".join(missing)


_SIMPLE = {"_", "gettext", "gettext_lazy", "gettext_noop"}
_PLURAL = {"ngettext", "ngettext_lazy"}
_CONTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def _python_messages(path: Path) -> list[tuple[int, tuple[str | None, str]]]:
    messages = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        texts = [
            arg.value
            for arg in node.args
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        ]
        if name in _SIMPLE | _PLURAL and texts:
            messages.append((node.lineno, (None, texts[0])))
        elif name in _CONTEXT and len(texts) >= 2:
            messages.append((node.lineno, (texts[0], texts[1])))
    return messages


def test_the_commands_are_scanned():
    """``pnyx tally`` and the other command-line tools print translated text too."""
    scanned = _scanned("*.py")
    assert PACKAGE / "commands" / "tally.py" in scanned
    assert not [path for path in scanned if "methods" in path.relative_to(PACKAGE).parts]
    keys = {key for _line, key in _python_messages(PACKAGE / "commands" / "tally.py")}
    assert len(keys) > 40
    assert (None, "Budget used: %(cost)s of %(budget)s (%(left)s left)") in keys
    assert ("ordinal number", "1st") in keys


def test_every_gettext_call_in_the_code_is_in_the_catalogue():
    keys = catalogue_keys()
    found, missing = 0, []
    for path in _scanned("*.py"):
        for line, key in _python_messages(path):
            found += 1
            if key not in keys:
                missing.append(f"{path.relative_to(PACKAGE)}:{line}: {key}")
    assert found > 100
    assert not missing, "run `pnyx makemessages` and translate:\n" + "\n".join(missing)


def _methods_templates(path: Path) -> tuple[list[tuple[int, str]], list[int]]:
    """The ``gettext_noop("...")`` templates of a methods module, and the lines of calls whose
    argument is not a plain string (which ``makemessages`` cannot extract)."""
    templates, unreadable = [], []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        if (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) != "gettext_noop":
            continue
        if (
            len(node.args) == 1
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            templates.append((node.lineno, node.args[0].value))
        else:
            unreadable.append(node.lineno)
    return templates, unreadable


def test_every_error_template_of_the_methods_is_in_the_catalogue():
    """The methods import no Django; the errors a person reads (``PabulibError``) carry a template
    marked with ``pnyx.methods.gettext_noop``, which the commands translate: each one must be in
    the catalogues like the rest of the interface. Only those calls are read in ``methods``."""
    from pnyx.methods import gettext_noop, pabulib

    assert gettext_noop.__module__ == "pnyx.methods", "the marker must not come from Django"
    assert pabulib.gettext_noop is gettext_noop
    keys = catalogue_keys()
    found, missing, unreadable = 0, [], []
    for path in sorted((PACKAGE / "methods").rglob("*.py")):
        templates, bad = _methods_templates(path)
        unreadable += [f"{path.relative_to(PACKAGE)}:{line}" for line in bad]
        for line, template in templates:
            found += 1
            if (None, template) not in keys:
                missing.append(f"{path.relative_to(PACKAGE)}:{line}: {template!r}")
    assert found >= 38
    assert not unreadable, "gettext_noop needs a plain string literal:\n" + "\n".join(unreadable)
    assert not missing, "run `pnyx makemessages` and translate:\n" + "\n".join(missing)


# --- (d) public pages answer in the reader's language ---------------------------------------

# Strings of our own catalogue (Django's admin translates the skip link differently in French).
SKIP_LINK = {
    "fr": "Aller au contenu principal",
    "es": "Saltar al contenido principal",
    "en": "Skip to main content",
}
PUBLIC_LOG = {"fr": "Journal public", "es": "Registro público", "en": "Public log"}


@pytest.fixture
def process(db):
    process = factories.make_process(title="Green squares", phases=2, active_phase=0)
    audit.record(None, "space.publish", process)
    return process


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_answer_in_the_browsers_language(client, process, language):
    for url in factories.public_urls(process):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
        assert response.status_code == 200, url
        text = response.text
        assert f'<html lang="{language}">' in text, url
        assert SKIP_LINK[language] in text, url
        assert f">{PUBLIC_LOG[language]}</a>" in text, url
        assert 'action="/i18n/setlang/"' in text, f"{url}: no language switcher"
        for other in LANGUAGES:
            if other != language:
                assert SKIP_LINK[other] not in text, f"{url} in {language} shows {other}"


@pytest.mark.django_db
def test_plural_forms_follow_the_language(client, process):
    component = factories.make_page_component(process)
    factories.make_comment(component, factories.make_user())
    url = component.get_absolute_url()
    one = {"fr": "1 commentaire<", "es": "1 comentario<", "en": "1 comment<"}
    for language, expected in one.items():
        assert expected in client.get(url, HTTP_ACCEPT_LANGUAGE=language).text, language
    factories.make_comment(component, None)
    two = {"fr": "2 commentaires<", "es": "2 comentarios<", "en": "2 comments<"}
    for language, expected in two.items():
        assert expected in client.get(url, HTTP_ACCEPT_LANGUAGE=language).text, language


# --- (e) the language switcher --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es", "en"])
def test_language_switcher_changes_the_language(client, process, language):
    start = "es" if language == "en" else "en"
    page = client.get("/processes/", HTTP_ACCEPT_LANGUAGE=start).text
    switcher = re.search(r'<form class="language-switcher" action="([^"]+)" method="post">', page)
    assert switcher and switcher.group(1) == "/i18n/setlang/"
    for code in LANGUAGES:
        assert re.search(rf'<option value="{code}" lang="{code}"', page), code
    data = factories.form_data(page)
    assert data == {"next": "/processes/", "language": start}

    data["language"] = language
    response = client.post(switcher.group(1), data, HTTP_ACCEPT_LANGUAGE=start, follow=True)
    assert response.redirect_chain == [("/processes/", 302)]
    assert f'<html lang="{language}">' in response.text
    assert SKIP_LINK[language] in response.text
    # The choice is remembered over the browser's language on the next pages.
    later = client.get(process.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=start).text
    assert f'<html lang="{language}">' in later
    assert f'<option value="{language}" lang="{language}" selected>' in later
