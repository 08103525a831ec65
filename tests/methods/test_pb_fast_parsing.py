"""The fast row splitter of pnyx.methods.pabulib gives exactly what the csv module gives: the same
cells and line numbers, and the same PabulibError line on bad quoting."""

import csv
from collections.abc import Iterator

import pytest

from pnyx.methods.pabulib import PabulibError, _rows, parse_pb, write_pb
from pnyx.methods.pb import random_election


def _csv_only(text: str) -> Iterator[tuple[int, list[str]]]:  # the reader before the fast path
    reader = csv.reader(
        (line.rstrip("\r") for line in text.split("\n")), delimiter=";", strict=True
    )
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PabulibError(reader.line_num, f"bad CSV quoting ({exc})") from None
        cells = [cell.strip() for cell in row]
        if cells and cells != [""]:
            yield reader.line_num, cells


def _outcome(text: str) -> object:
    try:
        return list(_rows(text))
    except PabulibError as error:
        return ("error", error.line)


def _expected(text: str) -> object:
    try:
        return list(_csv_only(text))
    except PabulibError as error:
        return ("error", error.line)


TEXTS = [
    "a;b\nc;d\n",
    "a;b\r\nc; d \r\n\r\n  \ne;f",
    'a;b\n"x;y";"say ""hi"""\nc;d\n',
    'a;b\n"multi\nline";z\nc;d\ne;f\n',
    'a;b\n"open\nc;d\ne;f\n',  # quote never closed: the error names the end of the file
    'a;b\n"open;x\n',
    'a;"b"c\nd;e\n',  # strict mode: a character after a closing quote
    "a;b\rc\nd;e\n",  # a carriage return inside a line
    'x\n"a\nb";c\nplain;line\n"d";e\nmore;lines\n',
    "",
    "\n\n",
    ";;\n;\n",
]


@pytest.mark.parametrize("text", TEXTS)
def test_rows_match_the_csv_module(text: str) -> None:
    assert _outcome(text) == _expected(text)


def test_rows_match_on_written_elections_with_quoted_names() -> None:
    for seed in range(10):
        text = write_pb(random_election(seed, n_projects=6, n_voters=40, vote_type="cumulative"))
        text = text.replace("Project 3", '"Project ""3""; three"').replace("\n", "\r\n", 5)
        assert _outcome(text) == _expected(text)
        if seed % 2:
            assert parse_pb(text).projects[2].name == 'Project "3"; three'


def test_voters_with_equal_extra_cells_read_equal() -> None:
    text = (
        "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\na;5\n"
        "VOTES\nvoter_id;vote;age;sex\n1;a;30;F\n2;a;30;F\n3;a;31;F\n"
    )
    voters = parse_pb(text).voters
    assert [v.extra for v in voters] == [
        {"age": "30", "sex": "F"},
        {"age": "30", "sex": "F"},
        {"age": "31", "sex": "F"},
    ]
