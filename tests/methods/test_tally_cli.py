"""``pnyx tally``: table, --explain, --json, and clean errors with exit status 2."""

import io
import json
import os
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from pnyx.commands import i18n
from pnyx.commands.tally import _ProgressBar, _text, explain, main, money, ordinal, points
from pnyx.methods.pabulib import PabulibError, read_pb
from pnyx.methods.pb import tally

from .test_pabulib import MALFORMED
from .test_pb_greedy import election

DATA = Path(__file__).resolve().parent.parent / "data" / "pb_malformed"
TINY = str(DATA / "valid_tiny_approval.pb")  # p1 60 (3 votes), p2 50 (2), p3 40 (1); budget 100


LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def _no_language_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text is English unless a test asks for another language."""
    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_table_lists_winners_and_budget_used(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, TINY, "--rule", "greedy")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Testville, 2024: 2 of 3 projects funded by greedy (ties by id)"
    assert lines[2].split() == ["id", "name", "cost", "votes"]
    assert lines[4].split() == ["p1", "Park", "benches", "60", "3"]
    assert lines[5].split() == ["p3", "The", '"big"', "mural", "40", "1"]
    assert "Budget used: 100 of 100 (0 left)" in out


def test_explain_gives_a_sentence_per_project(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, TINY, "--rule", "greedy", "--explain")
    assert code == 0
    assert "p1: funded: 1st by votes (3), fitted in the remaining budget" in out
    assert "p2: not funded: cost 50 but only 40 was left" in out
    assert "p3: funded: 3rd by votes (1), fitted in the remaining budget" in out


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, TINY, "--rule", "greedy", "--ties", "cost", "--json")
    assert code == 0
    assert json.loads(out) == {
        "rule": "greedy",
        "completion": "none",
        "selected": ["p1", "p3"],
        "cost": 100,
        "budget": 100,
    }


def test_rule_defaults_to_the_files_meta_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, TINY, "--json")
    assert code == 0 and json.loads(out)["rule"] == "greedy"


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_file_exits_2_naming_file_and_line(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(DATA / name)
    code, out, err = run(capsys, path, "--rule", "greedy")
    assert code == 2 and out == ""
    line, words = MALFORMED[name]
    assert err.startswith(f"error: {path}:{line}: ")
    assert words in err


def test_other_bad_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, str(tmp_path / "absent.pb"), "--rule", "greedy")
    assert code == 2 and err.startswith(f"error: {tmp_path / 'absent.pb'}: ")
    cumulative = str(DATA / "valid_tiny_cumulative.pb")
    code, _, err = run(capsys, cumulative, "--rule", "phragmen")
    assert code == 2 and "approval" in err
    code, _, err = run(capsys, TINY, "--rule", "greedy", "--completion", "add1")
    assert code == 2 and "only applies to the rule mes" in err
    code, _, err = run(capsys, TINY, "--rule", "greedy-threshold")
    assert code == 2 and "min_project_score_threshold" in err
    with pytest.raises(SystemExit) as caught:
        main([TINY, "--rule", "borda"])
    assert caught.value.code == 2


@pytest.mark.parametrize("key", ["min_project_score_threshold", "default_score"])
@pytest.mark.parametrize("rule", ["greedy", "greedy-threshold"])
def test_a_meta_number_that_is_not_one_names_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, key: str, rule: str
) -> None:
    text = Path(TINY).read_bytes()
    assert b"\nrule;greedy" in text
    bad = tmp_path / "bad_meta.pb"
    bad.write_bytes(text.replace(b"rule;greedy", f"rule;greedy\r\n{key};abc".encode(), 1))
    line = text[: text.index(b"rule;greedy")].count(b"\n") + 2
    code, out, err = run(capsys, str(bad), "--rule", rule)
    assert (code, out) == (2, "")
    assert err == f"error: {bad}:{line}: {key} 'abc' is not a number\n"


def test_a_meta_number_given_as_none_is_absent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = Path(TINY).read_bytes()
    extra = b"\r\ndefault_score;none\r\nmin_project_score_threshold;None"
    none = tmp_path / "none.pb"
    none.write_bytes(text.replace(b"rule;greedy", b"rule;greedy" + extra, 1))
    assert run(capsys, str(none), "--rule", "greedy") == run(capsys, TINY, "--rule", "greedy")
    code, _, err = run(capsys, str(none), "--rule", "greedy-threshold")
    assert code == 2 and "needs META min_project_score_threshold" in err


@pytest.mark.parametrize(
    ("key", "language", "words"),
    [
        ("min_length", "en", "min_length '1.5' is not a whole number"),
        ("max_length", "fr", "max_length : '1.5' n’est pas un nombre entier"),
        ("max_length", "es", "max_length: '1.5' no es un número entero"),
    ],
)
def test_a_vote_length_limit_must_be_a_whole_number(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, key: str, language: str, words: str
) -> None:
    text = Path(TINY).read_bytes()
    bad = tmp_path / "bad_length.pb"
    bad.write_bytes(text.replace(b"rule;greedy", f"rule;greedy\r\n{key};1.5".encode(), 1))
    line = text[: text.index(b"rule;greedy")].count(b"\n") + 2
    code, out, err = run(capsys, str(bad), "--rule", "greedy", "--language", language)
    assert (code, out) == (2, "")
    assert err == f"error: {bad}:{line}: {words}\n"


def test_an_error_found_while_counting_is_printed_without_a_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pnyx.commands import tally as tally_command
    from pnyx.methods.pabulib import PabulibError, gettext_noop

    def failing(*args: object, **kwargs: object) -> None:
        raise PabulibError(
            0, gettext_noop("%(what)s %(value)r is not a number"), what="x", value="y"
        )

    monkeypatch.setattr(tally_command, "tally", failing)
    code, out, err = run(capsys, TINY, "--rule", "greedy")
    assert (code, out) == (2, "")
    assert err == f"error: {TINY}: x 'y' is not a number\n"


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, TINY, "--rule", "phragmen")
    assert code == 0 and err == ""


def test_progress_bar_draws_and_clears() -> None:
    quiet = io.StringIO()
    short = _ProgressBar(quiet)  # a count shorter than half a second shows nothing
    short(0.5)
    short(1.0)
    short.close()
    assert quiet.getvalue() == ""
    stream = io.StringIO()
    bar = _ProgressBar(stream, delay=0)
    bar(0.5)
    bar(1.0)
    bar.close()
    text = stream.getvalue()
    assert "counting [###############...............]  50%" in text
    assert "100%" in text and text.endswith("\r")


def test_the_pnyx_command_dispatches_to_tally() -> None:
    bad = str(DATA / "unknown_project.pb")
    result = subprocess.run(
        [sys.executable, "-m", "pnyx.cli", "tally", bad, "--rule", "greedy"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == f"error: {bad}:20: vote names unknown project 'p9'\n"
    assert "Traceback" not in result.stderr


def test_a_dash_reads_the_file_from_standard_input() -> None:
    # ``curl .../file.pb | pnyx tally - --json``: the same count as from the file
    piped = subprocess.run(
        [sys.executable, "-m", "pnyx.cli", "tally", "-", "--rule", "greedy", "--json"],
        input=Path(TINY).read_bytes(),
        capture_output=True,
        check=False,
    )
    from_file = subprocess.run(
        [sys.executable, "-m", "pnyx.cli", "tally", TINY, "--rule", "greedy", "--json"],
        capture_output=True,
        check=False,
    )
    assert piped.returncode == 0 and piped.stderr == b""
    assert json.loads(piped.stdout) == json.loads(from_file.stdout)
    assert json.loads(piped.stdout)["selected"] == ["p1", "p3"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ((DATA / "unknown_project.pb").read_bytes(), "<stdin>:20: vote names unknown project"),
        (b"META\nkey;value\n\xff\n", "<stdin>:3: not UTF-8 text (byte 0xff)"),
        (b"", "<stdin>:1: section META is missing"),
    ],
)
def test_bad_input_on_standard_input_is_named_stdin(
    data: bytes,
    words: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run(capsys, "-", "--rule", "greedy")
    assert code == 2 and out == ""
    assert err.startswith(f"error: {words}")


def test_a_reader_that_goes_away_gets_no_traceback() -> None:
    # ``pnyx tally FILE --explain | head -1``: the reader has closed the pipe before the output
    child = subprocess.Popen(
        [sys.executable, "-m", "pnyx.cli", "tally", TINY, "--rule", "greedy", "--explain"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait() == 1
    assert err == ""


def test_sentences_for_every_reason() -> None:
    e = election("a:60 b:50 c:500 z:10 d:30", "a,b,c\na,b,c\na,c\nd", budget="100")
    greedy = tally(e, "greedy")
    assert explain(greedy, greedy.result("c")) == (
        "not funded: cost 500 is more than the whole budget of 100"
    )
    assert explain(greedy, greedy.result("z")) == "not funded: nobody voted for it"
    stopped = tally(e, "greedy-no-skip")
    assert explain(stopped, stopped.result("d")) == (
        "not funded: the count stopped at c, which did not fit in the budget"
    )
    phragmen = tally(e, "phragmen")
    assert explain(phragmen, phragmen.result("a")).startswith(
        "funded: 1st chosen, its 3 supporters"
    )


def test_mes_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pnyx.methods.mes", reason="part B (Method of Equal Shares) not installed")
    # 4 voters, budget 100 (25 each). a (60) by 3 voters: they pay 20 each; b (40) by the same
    # 3 voters: 5 each left, not enough; c (20) by the 4th voter: 20 of its 25.
    e = election("a:60 b:40 c:20", "a,b\na,b\na,b\nc", budget="100")
    outcome = tally(e, "mes")
    assert outcome.selected == ("a", "c")
    assert explain(outcome, outcome.result("a")) == (
        "funded: its 3 supporters paid 60 from their equal shares"
    )
    assert explain(outcome, outcome.result("b")) == (
        "not funded: its supporters had already spent their shares on a; "
        "they had 15 left, and it costs 40"
    )
    assert outcome.voter_payments(0) == pytest.approx({"a": 20.0})
    assert outcome.voter_payments(3) == pytest.approx({"c": 20.0})


def test_mes_sentence_names_where_the_supporters_paid_most_and_what_they_had_left() -> None:
    pytest.importorskip("pnyx.methods.mes", reason="part B (Method of Equal Shares) not installed")
    # 10 voters approve everything, budget 160 (16 each): every price factor is 1/10, so the
    # lower cost wins each tie (--ties cost) and e, d, c, b, a are funded in that order, each
    # voter paying a tenth of each: 15.5 of 16. x (90, 9 each) finds 0.5 each, 5 in all.
    e = election("a:80 b:40 c:20 d:10 e:5 x:90", "\n".join(["a,b,c,d,e,x"] * 10), budget="160")
    outcome = tally(e, "mes", ties="cost")
    assert outcome.selected == ("e", "d", "c", "b", "a")
    x = outcome.result("x")
    assert x.spent_on == ("a", "b", "c", "d", "e")  # most paid first, not the order funded
    assert x.shares_left == pytest.approx(5.0)
    assert explain(outcome, x) == (
        "not funded: its supporters had already spent their shares on a, b, c and 2 other "
        "projects; they had 5 left, and it costs 90"
    )
    with i18n.language("fr"):
        assert explain(outcome, x) == (
            "non financé : les personnes qui l’ont soutenu avaient déjà dépensé leurs parts "
            "pour a, b, c et 2 autres projets ; il leur restait 5, et il coûte 90"
        )
    with i18n.language("es"):
        assert explain(outcome, x).endswith(
            "en a, b, c y 2 proyectos más; les quedaban 5, y cuesta 90"
        )
    # supporters who paid for nothing: what they held in all, against the cost
    alone = tally(election("a:30 b:90", "a\na\nb\nb", budget="100"), "mes")
    assert alone.result("b").spent_on == ()
    assert explain(alone, alone.result("b")) == (
        "not funded: its supporters' equal shares, 50 in all, were not enough for its cost of 90"
    )
    with i18n.language("fr"):
        assert explain(alone, alone.result("b")).endswith(
            "50 en tout, ne suffisaient pas pour son coût de 90"
        )
    # four funded projects are all named
    fewer = tally(
        election("a:80 b:40 c:20 d:10 x:90", "\n".join(["a,b,c,d,x"] * 10), budget="155"),
        "mes",
        ties="cost",
    )
    assert explain(fewer, fewer.result("x")).startswith(
        "not funded: its supporters had already spent their shares on a, b, c and d;"
    )


def test_number_formatting() -> None:
    assert money(38000) == "38,000"
    assert money(1331751.11) == "1,331,751.11"
    assert points(Fraction(12345, 2)) == "6,172.50"
    with i18n.language("fr"):  # a narrow no-break space between thousands, a decimal comma
        assert money(1331751.11) == "1\u202f331\u202f751,11"
        assert points(Fraction(12345, 2)) == "6\u202f172,50"
    with i18n.language("es"):
        assert money(1331751.11) == "1.331.751,11"
        assert points(Fraction(12345, 2)) == "6.172,50"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"
    ]  # fmt: skip


# ---------------------------------------------------------------------------------- languages

FRENCH_TINY = [
    "Testville, 2024 : 2 projets financés sur 3 par greedy (ex æquo départagés par id)",
    "Budget utilisé : 100 sur 100 (reste 0)",
    "p1: financé : 1er en nombre de voix (3), il tenait dans le budget restant",
    "p2: non financé : il coûte 50 mais il ne restait que 40",
    "p3: financé : 3e en nombre de voix (1), il tenait dans le budget restant",
]
SPANISH_TINY = [
    "Testville, 2024: 2 proyectos financiados de 3 por greedy (empates resueltos por id)",
    "Presupuesto utilizado: 100 de 100 (quedan 0)",
    "p1: financiado: 1.º en votos (3), cabía en el presupuesto restante",
    "p2: no financiado: cuesta 50 pero solo quedaban 40",
    "p3: financiado: 3.º en votos (1), cabía en el presupuesto restante",
]
ENGLISH_TINY = [
    "Testville, 2024: 2 of 3 projects funded by greedy (ties by id)",
    "Budget used: 100 of 100 (0 left)",
    "p1: funded: 1st by votes (3), fitted in the remaining budget",
    "p2: not funded: cost 50 but only 40 was left",
    "p3: funded: 3rd by votes (1), fitted in the remaining budget",
]


@pytest.mark.parametrize(
    ("language", "expected", "headings"),
    [
        ("fr", FRENCH_TINY, ["id", "nom", "coût", "voix"]),
        ("es", SPANISH_TINY, ["id", "nombre", "coste", "votos"]),
        ("en", ENGLISH_TINY, ["id", "name", "cost", "votes"]),
    ],
)
def test_explain_in_the_language_asked_for(
    capsys: pytest.CaptureFixture[str], language: str, expected: list[str], headings: list[str]
) -> None:
    code, out, err = run(capsys, TINY, "--rule", "greedy", "--explain", "--language", language)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[2].split() == headings
    for line in expected:
        assert line in lines
    if language != "en":
        for english in ENGLISH_TINY:
            assert english not in out
        assert "funded" not in out and "Budget used" not in out


def test_default_language_is_the_environments_else_english(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, english, _ = run(capsys, TINY, "--rule", "greedy", "--explain")
    assert all(line in english.splitlines() for line in ENGLISH_TINY)
    assert english == run(capsys, TINY, "--rule", "greedy", "--explain", "--language", "en")[1]
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # no German catalogue: English
    assert run(capsys, TINY, "--rule", "greedy", "--explain")[1] == english
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert FRENCH_TINY[2] in run(capsys, TINY, "--rule", "greedy", "--explain")[1]
    monkeypatch.setenv("LANGUAGE", "de:es")  # gettext's list of languages, first found wins
    assert SPANISH_TINY[2] in run(capsys, TINY, "--rule", "greedy", "--explain")[1]
    # --language wins over the environment
    assert run(capsys, TINY, "--rule", "greedy", "--explain", "--language", "en")[1] == english
    # and the module is English again after a run
    greedy = tally(election("a:60 b:50", "a\nb", budget="100"), "greedy")
    assert explain(greedy, greedy.result("b")) == "not funded: cost 50 but only 40 was left"


def test_json_is_the_same_in_every_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = set()
    for extra in ([], ["--language", "fr"], ["--language", "es"], ["--language", "en"]):
        code, out, err = run(capsys, TINY, "--rule", "greedy", "--explain", "--json", *extra)
        assert code == 0 and err == ""
        outputs.add(out)
    monkeypatch.setenv("LANGUAGE", "fr")
    outputs.add(run(capsys, TINY, "--rule", "greedy", "--explain", "--json")[1])
    (out,) = outputs
    assert json.loads(out)["explain"]["p2"] == "not funded: cost 50 but only 40 was left"


def test_sentences_for_every_reason_in_french_and_spanish() -> None:
    e = election("a:60 b:50 c:500 z:10 d:30", "a,b,c\na,b,c\na,c\nd", budget="100")
    greedy = tally(e, "greedy")
    stopped = tally(e, "greedy-no-skip")
    phragmen = tally(e, "phragmen")
    with i18n.language("fr"):
        assert explain(greedy, greedy.result("c")) == (
            "non financé : son coût de 500 dépasse le budget total de 100"
        )
        assert explain(greedy, greedy.result("z")) == "non financé : personne n’a voté pour lui"
        assert explain(stopped, stopped.result("d")) == (
            "non financé : le décompte s’est arrêté à c, qui ne tenait pas dans le budget"
        )
        assert explain(phragmen, phragmen.result("a")).startswith(
            "financé : 1er à être choisi ; les 3 personnes qui l’ont soutenu se sont partagé "
            "son coût"
        )
    with i18n.language("es"):
        assert explain(greedy, greedy.result("c")) == (
            "no financiado: su coste de 500 supera el presupuesto total de 100"
        )
        assert explain(greedy, greedy.result("z")) == "no financiado: nadie lo votó"
        assert explain(phragmen, phragmen.result("a")).startswith(
            "financiado: 1.º en ser elegido; las 3 personas que lo apoyaron se repartieron su coste"
        )


def test_mes_sentences_in_french_and_spanish() -> None:
    pytest.importorskip("pnyx.methods.mes", reason="part B (Method of Equal Shares) not installed")
    e = election("a:60 b:40 c:20 d:30", "a,b,d\na,b,d\na,b\nc", budget="100")
    outcome = tally(e, "mes")
    assert outcome.selected == ("a", "c")
    with i18n.language("fr"):
        assert explain(outcome, outcome.result("a")) == (
            "financé : les 3 personnes qui l’ont soutenu ont payé 60 sur leurs parts égales"
        )
        assert explain(outcome, outcome.result("c")) == (
            "financé : 1 personne l’a soutenu et a payé 20 sur sa part égale"
        )
        assert explain(outcome, outcome.result("b")) == (
            "non financé : les personnes qui l’ont soutenu avaient déjà dépensé leurs parts pour a "
            "; il leur restait 15, et il coûte 40"
        )
    with i18n.language("es"):
        assert explain(outcome, outcome.result("c")) == (
            "financiado: 1 persona lo apoyó y pagó 20 con su parte igual"
        )
    assert explain(outcome, outcome.result("c")) == (
        "funded: its 1 supporter paid 20 from their equal share"
    )


def test_lists_ordinals_and_plurals_follow_the_language() -> None:
    with i18n.language("fr"):
        assert [ordinal(n) for n in (1, 2, 3, 11, 21)] == ["1er", "2e", "3e", "11e", "21e"]
    with i18n.language("es"):
        assert [ordinal(n) for n in (1, 2, 3, 11, 21)] == ["1.º", "2.º", "3.º", "11.º", "21.º"]
    e = election("a:60 b:50", "a\na\nb", budget="70")
    one = tally(e, "greedy")
    with i18n.language("fr"):
        assert _text(e, one, False).startswith("vote : 1 projet financé sur 2 par greedy")
    with i18n.language("es"):
        assert _text(e, one, False).startswith("votación: 1 proyecto financiado de 2 por greedy")
    assert _text(e, one, False).startswith("election: 1 of 2 projects funded by greedy")


def test_help_and_error_words_are_translated(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as caught:
        main([TINY, "--language", "es", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "una frase por proyecto" in out and "one sentence per project" not in out
    other = tmp_path / "other_rule.pb"
    other.write_text(Path(TINY).read_text().replace("rule;greedy", "rule;borda"))
    code, _, err = run(capsys, str(other), "--language", "fr")
    assert code == 2
    assert err == (
        f"error: {other}: la règle 'borda' de sa section META ne fait pas partie de celles que "
        "nous savons décompter ; choisissez --rule parmi greedy, greedy-no-skip, "
        "greedy-threshold, greedy-cost, mes, phragmen\n"
    )
    # the file and line prefix stays for the tools that read it
    bad = str(DATA / "unknown_project.pb")
    code, _, err = run(capsys, bad, "--rule", "greedy", "--language", "fr")
    assert code == 2 and err.startswith(f"error: {bad}:20: ")


def test_progress_bar_in_french() -> None:
    stream = io.StringIO()
    with i18n.language("fr"):
        bar = _ProgressBar(stream, delay=0)
        bar(0.5)
        bar.close()
    assert "décompte [###############...............]  50%" in stream.getvalue()


def test_shared_election_in_french_and_spanish(
    reference_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pnyx.methods.mes", reason="part B (Method of Equal Shares) not installed")
    path = reference_data / "pb" / "Poland_Swiecie_2023.pb"
    if not path.is_file():
        pytest.skip(f"{path} not in the reference data")
    argv = [str(path), "--rule", "mes", "--completion", "add1", "--explain"]
    _, english, _ = run(capsys, *argv)
    assert "c12: funded: its 1,030 supporters paid 150,000 from their equal shares" in english
    _, french, _ = run(capsys, *argv, "--language", "fr")
    # numbers as each language writes them: 1\u202f030 (a narrow no-break space) in French,
    # 1.030 in Spanish, decimals after a comma in both
    assert (
        "c12: financé : les 1\u202f030 personnes qui l’ont soutenu ont payé 150\u202f000 sur "
        "leurs parts égales" in french
    )
    assert "c8: non financé : les personnes qui l’ont soutenu avaient déjà dépensé" in french
    assert "il leur restait 43\u202f472,10, et il coûte 106\u202f788" in french
    assert (
        "Budget utilisé : 1\u202f040\u202f337 sur 1\u202f070\u202f000 (reste 29\u202f663)" in french
    )
    _, spanish, _ = run(capsys, *argv, "--language", "es")
    assert (
        "c12: financiado: las 1.030 personas que lo apoyaron pagaron 150.000 con sus partes "
        "iguales" in spanish
    )
    assert "les quedaban 43.472,10, y cuesta 106.788" in spanish
    assert "Presupuesto utilizado: 1.040.337 de 1.070.000 (quedan 29.663)" in spanish
    for text in (french, spanish):
        assert "supporters" not in text and "funded" not in text and "Budget used" not in text
        assert len(text.splitlines()) == len(english.splitlines())
    outputs = {run(capsys, *argv, "--json", *extra)[1] for extra in ([], ["--language", "fr"])}
    assert len(outputs) == 1


# file -> (line, the English message exactly as before the errors were translatable, French,
# Spanish)
MALFORMED_TEXT = {
    "bad_quoting.pb": (
        15,
        "bad CSV quoting (';' expected after '\"')",
        "guillemets CSV mal placés (';' expected after '\"')",
        "comillas CSV mal colocadas (';' expected after '\"')",
    ),
    "missing_meta_section.pb": (
        1,
        "section META is missing before PROJECTS",
        "la section META manque avant la section PROJECTS",
        "falta la sección META antes de la sección PROJECTS",
    ),
    "missing_votes_section.pb": (
        16,
        "section VOTES is missing",
        "la section VOTES manque",
        "falta la sección VOTES",
    ),
    "negative_cost.pb": (
        16,
        "negative cost -40 for project 'p3'",
        "coût négatif (-40) pour le projet 'p3'",
        "coste negativo (-40) para el proyecto 'p3'",
    ),
    "non_utf8.pb": (
        16,
        "not UTF-8 text (byte 0xe9)",
        "le texte n’est pas en UTF-8 (octet 0xe9)",
        "el texto no está en UTF-8 (byte 0xe9)",
    ),
    "num_votes_mismatch.pb": (
        8,
        "num_votes is 5 but the file has 4 votes",
        "num_votes vaut 5, mais le nombre de votes dans le fichier est 4",
        "num_votes es 5, pero el número de votos del archivo es 4",
    ),
    "over_max_length.pb": (
        20,
        "2 projects in the vote, max_length is 1",
        "nombre de projets dans le vote : 2, alors que max_length vaut 1",
        "número de proyectos en el voto: 2, pero max_length es 1",
    ),
    "points_count_mismatch.pb": (
        21,
        "2 projects in 'vote' but 1 values in 'points'",
        "le nombre de projets dans 'vote' (2) ne correspond pas au nombre de valeurs dans "
        "'points' (1)",
        "el número de proyectos en 'vote' (2) no coincide con el número de valores en 'points' (1)",
    ),
    "points_over_max_points.pb": (
        22,
        "3 points for 'p3', over max_points 2",
        "points attribués à 'p3' : 3, supérieur à max_points (2)",
        "puntos asignados a 'p3': 3, superior a max_points (2)",
    ),
    "points_over_max_sum.pb": (
        23,
        "4 points in total, over max_sum_points 3",
        "total des points du vote : 4, supérieur à max_sum_points (3)",
        "total de puntos del voto: 4, superior a max_sum_points (3)",
    ),
    "unknown_project.pb": (
        20,
        "vote names unknown project 'p9'",
        "le vote cite un projet inconnu : 'p9'",
        "el voto menciona un proyecto desconocido: 'p9'",
    ),
    "wrong_column_count.pb": (
        14,
        "expected 5 columns as in the header on line 13, found 6",
        "nombre de colonnes : 6, au lieu de 5 comme dans l’en-tête de la ligne 13",
        "número de columnas: 6, en lugar de 5 como en el encabezado de la línea 13",
    ),
}


def test_malformed_files_print_the_same_english_as_before(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert set(MALFORMED_TEXT) == set(MALFORMED)
    for name, (line, english, _french, _spanish) in sorted(MALFORMED_TEXT.items()):
        path = str(DATA / name)
        with pytest.raises(PabulibError) as caught:
            read_pb(path)
        assert caught.value.message == english
        assert str(caught.value) == f"line {line}: {english}"
        for extra in ([], ["--language", "en"]):
            code, out, err = run(capsys, path, "--rule", "greedy", *extra)
            assert (code, out, err) == (2, "", f"error: {path}:{line}: {english}\n")


@pytest.mark.parametrize("language", ["fr", "es"])
def test_malformed_files_print_the_error_in_the_language_asked_for(
    capsys: pytest.CaptureFixture[str], language: str
) -> None:
    for name, (line, english, french, spanish) in sorted(MALFORMED_TEXT.items()):
        expected = french if language == "fr" else spanish
        path = str(DATA / name)
        code, out, err = run(capsys, path, "--rule", "greedy", "--language", language)
        # the ``error: FILE:LINE:`` prefix stays for the tools that read it
        assert (code, out, err) == (2, "", f"error: {path}:{line}: {expected}\n")
        assert english not in err


def test_the_pnyx_command_prints_file_errors_in_the_environments_language() -> None:
    bad = str(DATA / "unknown_project.pb")
    for extra, env, expected in (
        (["--language", "fr"], {}, "le vote cite un projet inconnu : 'p9'"),
        ([], {"LANG": "es_ES.UTF-8"}, "el voto menciona un proyecto desconocido: 'p9'"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "pnyx.cli", "tally", bad, "--rule", "greedy", *extra],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **env},
        )
        assert result.returncode == 2
        assert result.stderr == f"error: {bad}:20: {expected}\n"


def test_every_file_error_translates_with_its_parameters() -> None:
    """Seeded damage to the valid tiny files: each error's template, translated, takes the
    error's parameters, and in English gives the error's message."""
    rng = random.Random(7)
    bases = [
        (DATA / name).read_bytes() for name in sorted(MALFORMED) + ["valid_tiny_cumulative.pb"]
    ]
    inserts = [b";", b",", b"\n", b'"', b"-", b"0", b"1.5", b"x", b"\xff", b"VOTES\n", b"p1"]
    catalogues = {code: i18n.translations(code) for code in ("fr", "es")}
    templates = set()
    for _ in range(600):
        data = bytearray(rng.choice(bases))
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(data)) if data else 0
            if rng.randrange(2):
                del data[pos : pos + rng.randint(1, 20)]
            else:
                data[pos:pos] = rng.choice(inserts)
        try:
            read_pb(bytes(data))
        except PabulibError as error:
            templates.add(error.template)
            assert error.template % error.params == error.message
            with i18n.english():
                assert i18n.gettext(error.template) % error.params == error.message
            for catalogue in catalogues.values():
                translated = catalogue.gettext(error.template)
                assert translated != error.template
                assert (translated % error.params).strip()
    assert len(templates) >= 10
