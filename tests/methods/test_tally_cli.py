"""``pnyx tally``: table, --explain, --json, and clean errors with exit status 2."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pnyx.commands.tally import _ProgressBar, explain, main, money, ordinal
from pnyx.methods.pb import tally

from .test_pabulib import MALFORMED
from .test_pb_greedy import election

DATA = Path(__file__).resolve().parent.parent / "data" / "pb_malformed"
TINY = str(DATA / "valid_tiny_approval.pb")  # p1 60 (3 votes), p2 50 (2), p3 40 (1); budget 100


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
        "not funded: its supporters had already spent their shares on a"
    )
    assert outcome.voter_payments(0) == pytest.approx({"a": 20.0})
    assert outcome.voter_payments(3) == pytest.approx({"c": 20.0})


def test_number_formatting() -> None:
    assert money(38000) == "38,000"
    assert money(1331751.11) == "1,331,751.11"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"
    ]  # fmt: skip
