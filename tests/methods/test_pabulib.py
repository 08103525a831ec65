"""Reading and writing Pabulib ``.pb`` files (pnyx.methods.pabulib)."""

import random
from fractions import Fraction
from pathlib import Path

import pytest

from pnyx.methods.pabulib import (
    Election,
    PabulibError,
    Project,
    Voter,
    format_number,
    parse_pb,
    read_pb,
    write_pb,
)
from pnyx.methods.pb import random_election

DATA = Path(__file__).resolve().parent.parent / "data" / "pb_malformed"

# file -> (line named in the error, words the message must contain)
MALFORMED = {
    "missing_meta_section.pb": (1, "section META is missing"),
    "missing_votes_section.pb": (16, "section VOTES is missing"),
    "wrong_column_count.pb": (14, "expected 5 columns"),
    "unknown_project.pb": (20, "unknown project 'p9'"),
    "negative_cost.pb": (16, "negative cost"),
    "non_utf8.pb": (16, "not UTF-8"),
    "points_over_max_sum.pb": (23, "over max_sum_points 3"),
    "points_over_max_points.pb": (22, "over max_points 2"),
    "points_count_mismatch.pb": (21, "2 projects in 'vote' but 1 values in 'points'"),
    "num_votes_mismatch.pb": (8, "num_votes is 5 but the file has 4 votes"),
    "bad_quoting.pb": (15, "bad CSV quoting"),
    "over_max_length.pb": (20, "max_length is 1"),
}


def test_malformed_corpus_is_complete() -> None:
    on_disk = {p.name for p in DATA.glob("*.pb") if not p.name.startswith("valid_")}
    assert on_disk == set(MALFORMED)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_file_is_rejected_naming_the_line(name: str) -> None:
    line, words = MALFORMED[name]
    with pytest.raises(PabulibError) as caught:
        read_pb(DATA / name)
    assert caught.value.line == line
    assert words in caught.value.message
    assert str(caught.value).startswith(f"line {line}: ")


def test_tiny_file_with_crlf_quoting_and_extra_columns() -> None:
    raw = (DATA / "valid_tiny_approval.pb").read_bytes()
    assert b"\r\n" in raw
    election = read_pb(DATA / "valid_tiny_approval.pb")
    assert election.vote_type == "approval"
    assert election.budget == 100
    assert [p.id for p in election.projects] == ["p1", "p2", "p3"]
    assert election.project("p2").name == "Library; books"
    assert election.project("p3").name == 'The "big" mural'
    assert election.project("p1").extra == {"votes": "3", "selected": "1"}
    assert election.voters[0] == Voter(id="1", vote=("p1", "p2"), extra={"age": "34", "sex": "F"})
    assert election.voters[2].extra["sex"] == "none"  # kept as written
    assert election.project_columns == ("votes", "name", "selected")


def test_cumulative_points_are_read_exactly() -> None:
    election = read_pb(DATA / "valid_tiny_cumulative.pb")
    assert election.voters[0].points == (2, 1)
    assert [v.points for v in election.voters] == [(2, 1), (2,), (1, 1), (1,)]


def test_fractional_budget_and_costs_stay_exact() -> None:
    text = write_pb(random_election(1, 3, 4)).replace("budget;", "budget;1331751.11\nold;", 1)
    election = parse_pb(text.replace("\n1;", "\n1;", 1))
    assert election.budget == Fraction(133175111, 100)
    assert format_number(election.budget) == "1331751.11"
    assert format_number(Fraction(1, 8)) == "0.125"
    assert format_number(-Fraction(5, 2)) == "-2.5"
    with pytest.raises(ValueError):
        format_number(Fraction(1, 3))


def test_write_then_read_gives_the_same_election() -> None:
    for path in DATA.glob("valid_*.pb"):
        election = read_pb(path)
        assert parse_pb(write_pb(election)) == election
    for seed, vote_type in enumerate(["approval", "choose-1", "cumulative", "scoring", "ordinal"]):
        election = random_election(seed, 8, 40, vote_type)
        assert parse_pb(write_pb(election)) == election


def test_write_quotes_cells_with_separators() -> None:
    election = Election(
        meta={"budget": "10.5", "vote_type": "approval"},
        projects=(Project(id="a", cost=Fraction(21, 4), name='x;"y"'),),
        voters=(Voter(id="v", vote=("a",)),),
        project_columns=("name",),
    )
    text = write_pb(election)
    assert 'a;5.25;"x;""y"""' in text
    assert parse_pb(text) == election


def test_text_bytes_and_bom_are_accepted() -> None:
    text = (DATA / "valid_tiny_approval.pb").read_text(encoding="utf-8")
    by_path = read_pb(DATA / "valid_tiny_approval.pb")
    assert read_pb(text) == by_path
    assert read_pb(b"\xef\xbb\xbf" + text.encode()) == by_path


def _tiny(vote_type: str, votes: str, extra_meta: str = "") -> str:
    """META on lines 1-4 (+ extra), PROJECTS a (4) and b (6), first voter on line 11 (+ extra)."""
    header = "voter_id;vote;points" if vote_type in ("cumulative", "scoring") else "voter_id;vote"
    return (
        f"META\nkey;value\nbudget;10\nvote_type;{vote_type}\n{extra_meta}"
        f"PROJECTS\nproject_id;cost\na;4\nb;6\nVOTES\n{header}\n{votes}"
    )


def test_repeated_project_kept_in_approval_ballot_but_refused_with_points() -> None:
    election = parse_pb(_tiny("approval", "1;a,a,b\n"))
    assert election.voters[0].vote == ("a", "a", "b")  # Amsterdam_604 has such a ballot
    with pytest.raises(PabulibError, match="appears twice") as caught:
        parse_pb(_tiny("cumulative", "1;a,a;1,1\n", "max_sum_points;5\n"))
    assert caught.value.line == 12


def test_choose_1_allows_one_project() -> None:
    assert parse_pb(_tiny("choose-1", "1;a\n2;\n")).voters[1].vote == ()
    with pytest.raises(PabulibError, match="max_length is 1") as caught:
        parse_pb(_tiny("choose-1", "1;a\n2;a,b\n"))
    assert caught.value.line == 12


def test_meta_problems_are_named() -> None:
    with pytest.raises(PabulibError, match="unknown vote_type 'plurality'") as caught:
        parse_pb(_tiny("plurality", "1;a\n"))
    assert caught.value.line == 4
    with pytest.raises(PabulibError, match="repeated") as caught:
        parse_pb(_tiny("approval", "1;a\n", "budget;5\n"))
    assert caught.value.line == 5
    with pytest.raises(PabulibError, match="'12x' is not a number"):
        parse_pb(_tiny("approval", "1;a\n").replace("a;4", "a;12x"))
    with pytest.raises(PabulibError, match="voter '1' repeated") as caught:
        parse_pb(_tiny("approval", "1;a\n1;b\n"))
    assert caught.value.line == 12


def test_min_length_and_sum_cost_are_checked_when_stated() -> None:
    with pytest.raises(PabulibError, match="min_length is 2"):
        parse_pb(_tiny("approval", "1;a\n", "min_length;2\n"))
    with pytest.raises(PabulibError, match="over max_sum_cost 5"):
        parse_pb(_tiny("approval", "1;a,b\n", "max_sum_cost;5\n"))
    # an empty ballot is not checked against min_length (nothing was chosen)
    assert parse_pb(_tiny("approval", "1;\n", "min_length;2\n")).voters[0].vote == ()


def test_mutated_files_give_pabulib_errors_or_elections_never_crashes() -> None:
    """Seeded random damage (deleted bytes, stray separators, quotes, bad bytes, cut files,
    repeated lines) to the valid tiny files: reading raises PabulibError or succeeds, and every
    rule then counts or refuses with ValueError."""
    from pnyx.methods.pb import tally

    rng = random.Random(2024)
    bases = [
        (DATA / name).read_bytes()
        for name in ("valid_tiny_approval.pb", "valid_tiny_cumulative.pb")
    ]
    inserts = [b";", b",", b"\n", b'"', b"-", b"0", b"1.5", b"none", b"\xff", b"VOTES\n", b" "]
    for _ in range(400):
        data = bytearray(rng.choice(bases))
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(data)) if data else 0
            op = rng.randrange(4)
            if op == 0:
                del data[pos : pos + rng.randint(1, 20)]
            elif op == 1:
                data[pos:pos] = rng.choice(inserts)
            elif op == 2:
                data = data[:pos]
            else:
                lines = data.split(b"\n")
                k = rng.randrange(len(lines))
                data = bytearray(b"\n".join([*lines[:k], lines[k], *lines[k:]]))
        try:
            election = read_pb(bytes(data))
        except PabulibError as error:
            assert error.line >= 1
            continue
        for rule in ("greedy", "greedy-no-skip", "greedy-cost", "phragmen"):
            try:
                tally(election, rule)
            except ValueError:
                pass
