"""``pnyx opinion-map``: the text in English, French and Spanish (``--language``, else the
environment's language, else English), the same ``--json`` in every language, the errors of a
malformed export in the reader's language behind the same ``error: FILE:ROW:`` prefix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pnyx.commands import i18n
from pnyx.commands.i18n import ngettext
from pnyx.commands.opinion_map import main

from .test_polis_format import write_two_camps

MALFORMED = Path(__file__).resolve().parent.parent / "data" / "polis_malformed"
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def _no_language_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text is English unless a test asks for another language."""
    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def two_camps(tmp_path: Path) -> str:
    return str(write_two_camps(tmp_path / "two_camps"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# the output of ``pnyx opinion-map`` before it was translated
ENGLISH = """\
10 participants voted, 10 in the analysis, 2 group(s).

Group 0 (5 participants): representative statements
  [0] agree 100 % of the group (5/5): statement 0
  [1] agree 100 % of the group (5/5): statement 1
  [2] disagree 100 % of the group (5/5): statement 2
  [3] disagree 100 % of the group (5/5): statement 3

Group 1 (5 participants): representative statements
  [2] agree 100 % of the group (5/5): statement 2
  [3] agree 100 % of the group (5/5): statement 3
  [0] disagree 100 % of the group (5/5): statement 0
  [1] disagree 100 % of the group (5/5): statement 1

Consensus (agree):
  (none)

Consensus (disagree):
  (none)
"""

FRENCH = """\
10 participants ont voté, 10 pris en compte dans l’analyse, 2 groupes.

Groupe 0 (5 participants) : affirmations représentatives
  [0] d’accord à 100 % dans le groupe (5/5) : statement 0
  [1] d’accord à 100 % dans le groupe (5/5) : statement 1
  [2] pas d’accord à 100 % dans le groupe (5/5) : statement 2
  [3] pas d’accord à 100 % dans le groupe (5/5) : statement 3

Groupe 1 (5 participants) : affirmations représentatives
  [2] d’accord à 100 % dans le groupe (5/5) : statement 2
  [3] d’accord à 100 % dans le groupe (5/5) : statement 3
  [0] pas d’accord à 100 % dans le groupe (5/5) : statement 0
  [1] pas d’accord à 100 % dans le groupe (5/5) : statement 1

Consensus (d’accord) :
  (aucune)

Consensus (pas d’accord) :
  (aucune)
"""

SPANISH = """\
10 participantes votaron, 10 en el análisis, 2 grupos.

Grupo 0 (5 participantes): afirmaciones representativas
  [0] de acuerdo el 100 % del grupo (5/5): statement 0
  [1] de acuerdo el 100 % del grupo (5/5): statement 1
  [2] en desacuerdo el 100 % del grupo (5/5): statement 2
  [3] en desacuerdo el 100 % del grupo (5/5): statement 3

Grupo 1 (5 participantes): afirmaciones representativas
  [2] de acuerdo el 100 % del grupo (5/5): statement 2
  [3] de acuerdo el 100 % del grupo (5/5): statement 3
  [0] en desacuerdo el 100 % del grupo (5/5): statement 0
  [1] en desacuerdo el 100 % del grupo (5/5): statement 1

Consenso (de acuerdo):
  (ninguna)

Consenso (en desacuerdo):
  (ninguna)
"""


def test_english_is_the_text_as_before(capsys: pytest.CaptureFixture[str], two_camps: str) -> None:
    assert run(capsys, two_camps) == (0, ENGLISH, "")
    assert run(capsys, two_camps, "--language", "en") == (0, ENGLISH, "")


@pytest.mark.parametrize(("language", "expected"), [("fr", FRENCH), ("es", SPANISH)])
def test_text_in_french_and_spanish(
    capsys: pytest.CaptureFixture[str], two_camps: str, language: str, expected: str
) -> None:
    assert run(capsys, two_camps, "--language", language) == (0, expected, "")
    # and the module is English again after a run
    assert run(capsys, two_camps) == (0, ENGLISH, "")


def test_default_language_is_the_environments_else_english(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, two_camps: str
) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # no German catalogue: English
    assert run(capsys, two_camps)[1] == ENGLISH
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert run(capsys, two_camps)[1] == FRENCH
    monkeypatch.setenv("LANGUAGE", "de:es")  # gettext's list of languages, first found wins
    assert run(capsys, two_camps)[1] == SPANISH
    # --language wins over the environment
    assert run(capsys, two_camps, "--language", "en")[1] == ENGLISH
    assert run(capsys, two_camps, "--language", "fr")[1] == FRENCH


def test_json_is_the_same_in_every_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, two_camps: str
) -> None:
    outputs = set()
    for extra in ([], ["--language", "fr"], ["--language", "es"], ["--language", "en"]):
        code, out, err = run(capsys, two_camps, "--json", *extra)
        assert code == 0 and err == ""
        outputs.add(out)
    monkeypatch.setenv("LANGUAGE", "fr")
    outputs.add(run(capsys, two_camps, "--json")[1])
    (out,) = outputs
    assert json.loads(out) == {
        "k": 2,
        "groups": {str(p): 0 if p < 5 else 1 for p in range(10)},
        "repness": {"0": [0, 1, 2, 3], "1": [2, 3, 0, 1]},
        "consensus": {"agree": [], "disagree": []},
    }


def test_singular_and_plural_forms() -> None:
    header = (
        "%(voted)s participant voted, %(analysed)s in the analysis, %(groups)s.",
        "%(voted)s participants voted, %(analysed)s in the analysis, %(groups)s.",
    )
    group = (
        "Group %(group)s (%(n)s participant): representative statements",
        "Group %(group)s (%(n)s participants): representative statements",
    )
    values = {"voted": 1, "analysed": 1, "groups": "-", "group": 3, "n": 1}
    with i18n.language("fr"):
        assert (
            ngettext(*header, 1) % values
            == "1 participant a voté, 1 pris en compte dans l’analyse, -."
        )
        assert (
            ngettext(*group, 1) % values
            == "Groupe 3 (1 participant) : affirmations représentatives"
        )
        assert ngettext("%(k)s group", "%(k)s group(s)", 1) % {"k": 1} == "1 groupe"
        assert ngettext("%(k)s group", "%(k)s group(s)", 3) % {"k": 3} == "3 groupes"
    with i18n.language("es"):
        assert ngettext(*header, 1) % values == "1 participante votó, 1 en el análisis, -."
        assert (
            ngettext(*group, 1) % values == "Grupo 3 (1 participante): afirmaciones representativas"
        )
        assert ngettext("%(k)s group", "%(k)s group(s)", 3) % {"k": 3} == "3 grupos"
    assert ngettext(*group, 1) % values == "Group 3 (1 participant): representative statements"


def test_help_is_translated(capsys: pytest.CaptureFixture[str], two_camps: str) -> None:
    for language, words in (
        ("fr", "afficher du JSON au lieu du texte"),
        ("es", "mostrar JSON en lugar de texto"),
        ("en", "print JSON instead of text"),
    ):
        with pytest.raises(SystemExit) as caught:
            main([two_camps, "--language", language, "--help"])
        assert caught.value.code == 0
        out = capsys.readouterr().out
        assert words in out
        if language != "en":
            assert "print JSON instead of text" not in out


# ``error: FILE:ROW: message`` for malformed exports: the English is the text printed before the
# messages were translated; the values (statement ids, cells as written, folders) stay as they are.
MALFORMED_ERRORS = {
    "en": (
        "votes.csv:4: vote on unknown statement 7",
        "participants-votes.csv:3: column 1: 'yes' is not an integer",
        "votes.csv:3: vote: vote '2' is not 1 (agree), -1 (disagree) or 0 (pass)",
        "votes.csv:1: missing column(s): voter-id",
        "comments.csv:0: no comments.csv in {folder}",
    ),
    "fr": (
        "votes.csv:4: vote sur une affirmation inconnue : 7",
        "participants-votes.csv:3: colonne 1 : 'yes' n’est pas un nombre entier",
        "votes.csv:3: vote : le vote '2' n’est ni 1 (d’accord), ni -1 (pas d’accord), "
        "ni 0 (passer)",
        # shared with the population register's import, whose French has a no-break space
        "votes.csv:1: colonnes manquantes\u00a0: voter-id",
        "comments.csv:0: pas de comments.csv dans {folder}",
    ),
    "es": (
        "votes.csv:4: voto sobre una afirmación desconocida: 7",
        "participants-votes.csv:3: columna 1: 'yes' no es un número entero",
        "votes.csv:3: vote: el voto '2' no es 1 (de acuerdo), -1 (en desacuerdo) ni 0 (pasar)",
        "votes.csv:1: columnas que faltan: voter-id",
        "comments.csv:0: no hay comments.csv en {folder}",
    ),
}


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_errors_keep_their_prefix_and_are_in_the_readers_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, language: str
) -> None:
    missing = tmp_path / "nothing"
    folders = [
        MALFORMED / "unknown_statement",
        MALFORMED / "bad_cell",
        MALFORMED / "bad_vote",
        MALFORMED / "missing_column",
        missing,
    ]
    for folder, expected in zip(folders, MALFORMED_ERRORS[language], strict=True):
        code, out, err = run(capsys, str(folder), "--language", language)
        assert (code, out, err) == (2, "", f"error: {expected.format(folder=missing)}\n")
        if language != "en":
            # nothing of the English message is left
            english = MALFORMED_ERRORS["en"][folders.index(folder)]
            assert english.split(": ", 1)[1].format(folder=missing) not in err
    # without --language and without a language in the environment: English, as before
    code, out, err = run(capsys, str(MALFORMED / "unknown_statement"))
    assert (code, out, err) == (2, "", f"error: {MALFORMED_ERRORS['en'][0]}\n")


def test_errors_follow_the_environments_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = str(MALFORMED / "bad_cell")
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert run(capsys, folder) == (2, "", f"error: {MALFORMED_ERRORS['es'][1]}\n")
    assert run(capsys, folder, "--language", "fr") == (
        2,
        "",
        f"error: {MALFORMED_ERRORS['fr'][1]}\n",
    )


def test_shared_conversation_in_french_and_spanish(
    reference_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = reference_data / "polis" / "london.youth.policing"
    if not folder.is_dir():
        pytest.skip(f"{folder} not in the reference data")
    _, english, _ = run(capsys, str(folder))
    lines = english.splitlines()
    # as printed before the text was translated
    assert lines[0] == "26 participants voted, 24 in the analysis, 2 group(s)."
    assert "Group 0 (10 participants): representative statements" in lines
    assert "  [4] agree 100 % of the group (10/10): I am between 20 and 25 years old." in lines
    assert "  [7] disagree 83 % (20/24): My gender has changed since birth." in lines
    _, french, _ = run(capsys, str(folder), "--language", "fr")
    assert french.splitlines()[0] == (
        "26 participants ont voté, 24 pris en compte dans l’analyse, 2 groupes."
    )
    assert (
        "  [4] d’accord à 100 % dans le groupe (10/10) : I am between 20 and 25 years old."
        in french.splitlines()
    )
    assert "  [7] pas d’accord à 83 % (20/24) : My gender has changed since birth." in french
    _, spanish, _ = run(capsys, str(folder), "--language", "es")
    assert "Grupo 1 (14 participantes): afirmaciones representativas" in spanish.splitlines()
    assert "  [7] en desacuerdo el 83 % (20/24): My gender has changed since birth." in spanish
    for text in (french, spanish):
        assert len(text.splitlines()) == len(lines)
        assert "participants voted" not in text and "representative statements" not in text
    outputs = {
        run(capsys, str(folder), "--json", *extra)[1]
        for extra in ([], ["--language", "fr"], ["--language", "es"])
    }
    assert len(outputs) == 1
