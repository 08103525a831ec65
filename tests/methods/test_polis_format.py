"""Pol.is export format: round trips on real conversations, malformed files rejected by FILE:ROW."""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import numpy as np
import pytest

from pnyx.commands import i18n
from pnyx.commands import opinion_map as command
from pnyx.methods import polis_format
from pnyx.methods.opinion import compute_opinion_map
from pnyx.methods.polis_format import (
    PolisFormatError,
    read_polis_export,
    write_polis_export,
)

MALFORMED = Path(__file__).resolve().parent.parent / "data" / "polis_malformed"
CONVERSATIONS = [
    "london.youth.policing",
    "15-per-hour-seattle",
    "brexit-consensus",
    "canadian-electoral-reform",
    "bg2050-volunteers",
    "football-concussions",
    "scoop-hivemind.biodiversity",
    "american-assembly.bowling-green",
    "vtaiwan.uberx",
    "austria-climate.5twd2jsnkf.2022-08-08",
]


def assert_same_matrix(a: np.ndarray, b: np.ndarray) -> None:
    assert a.shape == b.shape
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_array_equal(np.nan_to_num(a, nan=9), np.nan_to_num(b, nan=9))


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_import_then_export_gives_back_the_same_matrix_of_last_votes(
    reference_data: Path, tmp_path: Path, name: str
) -> None:
    folder = reference_data / "polis" / name
    conversation = read_polis_export(folder)
    # The reader's matrix equals Pol.is' own final matrix (participants-votes.csv).
    participants_only = tmp_path / "pv"
    participants_only.mkdir()
    for file in ("comments.csv", "participants-votes.csv"):
        (participants_only / file).write_bytes((folder / file).read_bytes())
    from_pv = read_polis_export(participants_only)
    assert from_pv.matrix.participants == conversation.matrix.participants
    assert_same_matrix(from_pv.matrix.votes, conversation.matrix.votes)
    # Rows come in Pol.is' own order, the row order of its participants-votes.csv.
    with (folder / "participants-votes.csv").open(newline="", encoding="utf-8") as file:
        pol_is_order = [int(record[0]) for record in list(csv.reader(file))[1:]]
    assert list(conversation.matrix.participants) == pol_is_order
    assert dict(from_pv.polis_groups) == dict(conversation.polis_groups)

    write_polis_export(tmp_path / "out", conversation)
    again = read_polis_export(tmp_path / "out")
    assert again.matrix.participants == conversation.matrix.participants
    assert again.matrix.statements == conversation.matrix.statements
    assert_same_matrix(again.matrix.votes, conversation.matrix.votes)
    assert again.moderated_out == conversation.moderated_out
    assert [s.text for s in again.statements] == [s.text for s in conversation.statements]
    assert dict(again.polis_groups) == dict(conversation.polis_groups)


def test_participants_in_pol_is_order_first_statement_voted_then_id(tmp_path: Path) -> None:
    """Pol.is loads votes sorted by comment id, then participant id: a participant's row comes
    at the first statement they voted on, whatever the time or file order of the votes."""
    folder = tmp_path / "conv"
    folder.mkdir()
    (folder / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        + "".join(f"0,,{s},1,0,0,1,statement {s}\n" for s in (3, 5, 8))
    )
    votes = [(1, 8, 9, 1), (2, 5, 4, -1), (3, 3, 7, 0), (4, 8, 2, 1), (5, 3, 9, 1), (6, 5, 1, 1)]
    (folder / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n"
        + "".join(f"{t},,{s},{p},{v}\n" for t, s, p, v in votes)
    )
    assert read_polis_export(folder).matrix.participants == (7, 9, 1, 4, 2)


def write_two_camps(folder: Path) -> Path:
    """A Pol.is export of ten participants in two camps of five on four statements: camp A
    agrees with 0 and 1 and disagrees with 2 and 3, camp B the reverse."""
    folder.mkdir()
    (folder / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        + "".join(f"0,,{s},1,0,0,1,statement {s}\n" for s in range(4))
    )
    rows = ["timestamp,datetime,comment-id,voter-id,vote"]
    for p in range(10):
        for s in range(4):
            rows.append(f"{p},,{s},{p},{1 if (p < 5) == (s < 2) else -1}")
    (folder / "votes.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_export_writes_pnyx_groups_into_group_id(tmp_path: Path) -> None:
    folder = write_two_camps(tmp_path / "conv")
    conversation = read_polis_export(folder)
    opinion = compute_opinion_map(conversation.matrix, conversation.moderated_out)
    write_polis_export(tmp_path / "out", conversation, opinion)
    again = read_polis_export(tmp_path / "out")
    assert dict(again.polis_groups) == dict(opinion.groups)
    summary = (tmp_path / "out" / "summary.csv").read_text()
    assert "groups,2" in summary


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown_statement", "votes.csv:4: vote on unknown statement 7"),
        ("bad_vote", "votes.csv:3: vote: vote '2' is not 1 (agree), -1 (disagree) or 0 (pass)"),
        ("missing_column", "votes.csv:1: missing column(s): voter-id"),
        ("bad_cell", "participants-votes.csv:3: column 1: 'yes' is not an integer"),
    ],
)
def test_malformed_file_is_rejected_naming_file_and_row(case: str, expected: str) -> None:
    with pytest.raises(PolisFormatError) as error:
        read_polis_export(MALFORMED / case)
    assert str(error.value) == expected


_COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
_TWO_COMMENTS = _COMMENTS + "0,,0,1,0,0,1,statement 0\n0,,1,1,0,0,1,statement 1\n"
_VOTES = "timestamp,datetime,comment-id,voter-id,vote\n"
_PV = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n"
_TOO_LONG = "x" * 200_000  # over the csv module's field limit
_FIELD_LIMIT = "bad CSV: field larger than field limit (131072)"

# Broken exports, one for each error the reader gives: the files besides two good statements
# (None: no such file) and ``FILE:ROW: message`` as the reader wrote it before its messages were
# marked for translation (``{folder}``: the export's folder).
BROKEN_EXPORTS: dict[str, tuple[dict[str, str | bytes | None], str]] = {
    "no_comments": ({"comments.csv": None}, "comments.csv:0: no comments.csv in {folder}"),
    "no_votes": (
        {"votes.csv": None},
        "votes.csv:0: neither votes.csv nor participants-votes.csv in {folder}",
    ),
    "not_utf8": (
        {"comments.csv": b"\xff" + _TWO_COMMENTS.encode()},
        "comments.csv:1: not UTF-8 text (invalid start byte)",
    ),
    "empty": ({"comments.csv": ""}, "comments.csv:1: empty file, expected a header row"),
    "header_too_long": ({"comments.csv": _TOO_LONG + "\n"}, f"comments.csv:1: {_FIELD_LIMIT}"),
    "field_too_long": (
        {"votes.csv": _VOTES + "0,,0,1,1\n" + f"0,,1,1,{_TOO_LONG}\n"},
        f"votes.csv:3: {_FIELD_LIMIT}",
    ),
    "missing_columns": (
        {"votes.csv": "timestamp,comment-id\n"},
        "votes.csv:1: missing column(s): voter-id, vote",
    ),
    "short_row": ({"votes.csv": _VOTES + "0,,0,1\n"}, "votes.csv:2: 4 fields, the header has 5"),
    "comment_id_text": (
        {"comments.csv": _COMMENTS + "0,,x,1,0,0,1,statement x\n"},
        "comments.csv:2: comment-id: 'x' is not an integer",
    ),
    "comment_id_twice": (
        {"comments.csv": _TWO_COMMENTS + "0,,1,1,0,0,1,again\n"},
        "comments.csv:4: comment-id 1 appears twice",
    ),
    "moderated": (
        {"comments.csv": _COMMENTS + "0,,0,1,0,0,2,statement 0\n"},
        "comments.csv:2: moderated: 2 is not -1, 0 or 1",
    ),
    "vote": (
        {"votes.csv": _VOTES + "0,,0,1,2\n"},
        "votes.csv:2: vote: vote '2' is not 1 (agree), -1 (disagree) or 0 (pass)",
    ),
    "vote_on_unknown_statement": (
        {"votes.csv": _VOTES + "0,,7,1,1\n"},
        "votes.csv:2: vote on unknown statement 7",
    ),
    "comment_column": (
        {"votes.csv": None, "participants-votes.csv": _PV.replace(",1\n", ",one\n")},
        "participants-votes.csv:1: comment column: 'one' is not an integer",
    ),
    "column_for_unknown_statement": (
        {"votes.csv": None, "participants-votes.csv": _PV.replace(",1\n", ",9\n")},
        "participants-votes.csv:1: column for unknown statement 9",
    ),
    "participant_twice": (
        {"votes.csv": None, "participants-votes.csv": _PV + "1,,0,1,1,0,1,\n1,,0,0,0,0,,\n"},
        "participants-votes.csv:3: participant 1 appears twice",
    ),
    "cell": (
        {"votes.csv": None, "participants-votes.csv": _PV + "1,,0,1,1,0,1,yes\n"},
        "participants-votes.csv:2: column 1: 'yes' is not an integer",
    ),
    "cell_vote": (
        {"votes.csv": None, "participants-votes.csv": _PV + "1,,0,1,1,0,1,2\n"},
        "participants-votes.csv:2: column 1: vote '2' is not 1 (agree), -1 (disagree) or 0 (pass)",
    ),
    "summary_row": (
        {"summary.csv": "topic,buses\nvoters,1,2\n"},
        "summary.csv:2: expected key,value rows in summary.csv",
    ),
    "summary_csv": ({"summary.csv": f"topic,{_TOO_LONG}\n"}, f"summary.csv:1: {_FIELD_LIMIT}"),
}


def broken_export(tmp_path: Path, case: str) -> tuple[PolisFormatError, str]:
    """The error of reading the broken export ``case``, and the text it is expected to have."""
    changes, expected = BROKEN_EXPORTS[case]
    folder = tmp_path / case
    folder.mkdir()
    files: dict[str, str | bytes | None] = {
        "comments.csv": _TWO_COMMENTS,
        "votes.csv": _VOTES + "0,,0,1,1\n",
        **changes,
    }
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        elif content is not None:
            (folder / name).write_text(content, encoding="utf-8")
    with pytest.raises(PolisFormatError) as caught:
        read_polis_export(folder)
    return caught.value, expected.format(folder=folder)


@pytest.mark.parametrize("case", sorted(BROKEN_EXPORTS))
def test_every_error_keeps_its_english_text_and_its_template_rebuilds_it(
    tmp_path: Path, case: str
) -> None:
    error, expected = broken_export(tmp_path, case)
    assert str(error) == expected
    assert f"{error.file}:{error.row}: {error.message}" == expected
    # the template marked for translation, with its parameters, is the English message
    assert error.template % error.params == error.message
    with i18n.english():
        assert i18n.gettext(error.template) % error.params == error.message


@pytest.mark.parametrize("case", sorted(BROKEN_EXPORTS))
def test_every_error_is_translated_into_french_and_spanish(tmp_path: Path, case: str) -> None:
    error, _expected = broken_export(tmp_path, case)
    for code in ("fr", "es"):
        translated = i18n.translations(code).gettext(error.template)
        assert translated != error.template, f"{code}: {error.template!r} is not translated"
        message = translated % error.params
        assert message != error.message
        # the values (numbers, names, cells as written) are kept in every language
        for name, value in error.params.items():
            if f"%({name})r" in error.template:
                assert repr(value) in message
            elif f"%({name})s" in error.template:
                assert str(value) in message


def test_the_broken_exports_cover_every_error_template(tmp_path: Path) -> None:
    marked = {
        node.args[0].value
        for node in ast.walk(ast.parse(Path(polis_format.__file__).read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "gettext_noop"
        and isinstance(node.args[0], ast.Constant)
    }
    raised = {broken_export(tmp_path, case)[0].template for case in BROKEN_EXPORTS}
    assert raised == marked


def test_missing_comments_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(PolisFormatError, match=r"^comments.csv:0: no comments.csv"):
        read_polis_export(tmp_path)


def test_command_reports_bad_input_on_stderr_with_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert command.main([str(MALFORMED / "unknown_statement")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "error: votes.csv:4: vote on unknown statement 7\n"


def test_command_prints_groups_and_consensus(
    reference_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = reference_data / "polis" / "london.youth.policing"
    assert command.main([str(folder), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"k", "groups", "repness", "consensus"}
    assert result["k"] == len(set(result["groups"].values())) == len(result["repness"])
    assert set(result["consensus"]) == {"agree", "disagree"}
    assert command.main([str(folder)]) == 0
    text = capsys.readouterr().out
    assert "Group 0" in text and "Consensus (agree):" in text
