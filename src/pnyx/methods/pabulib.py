"""Read and write participatory-budgeting elections in the Pabulib ``.pb`` format.

Reference: the Pabulib format specification (pabulib.org/format; template ``format.html`` in
``pabulib/pabulib_front``) and Faliszewski et al., "Participatory Budgeting: Data, Tools, and
Analysis", IJCAI-2023. A file has three sections, in this order: ``META`` (``key;value``),
``PROJECTS`` (``project_id;cost;...``) and ``VOTES`` (``voter_id;vote;...``). Cells are
``;``-separated with CSV quoting (``"a;b"``, ``""`` for a quote); lines end in CRLF or LF.

Differences from pabutools' ``parse_pabulib`` (which accepts almost anything):

* the file is checked, and every problem raises :class:`PabulibError` naming the 1-based line:
  missing or repeated sections, wrong column counts, unknown projects in a vote, negative or
  non-numeric costs, points that break ``min_points``/``max_points``/``min_sum_points``/
  ``max_sum_points``, ballots shorter or longer than ``min_length``/``max_length`` (only when the
  file states them), ``num_projects``/``num_votes`` that do not match the sections, bytes that
  are not UTF-8;
* costs, the budget and points are kept exact (``int`` or :class:`fractions.Fraction`);
* a project repeated inside an approval, choose-1 or ordinal ballot is kept as written in
  :attr:`Voter.vote` (the file round-trips) and counted once by :mod:`pnyx.methods.pb` (its first
  position for ordinal ballots), as pabutools does; in a cumulative or scoring ballot a repeated
  project is an error, because its points would be ambiguous (pabutools silently keeps the last).
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from operator import itemgetter
from pathlib import Path
from typing import Any

from pnyx.methods import gettext_noop

__all__ = [
    "VOTE_TYPES",
    "Election",
    "PabulibError",
    "Project",
    "Voter",
    "format_number",
    "parse_number",
    "parse_pb",
    "read_pb",
    "write_pb",
]

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
SECTIONS = ("META", "PROJECTS", "VOTES")

Number = int | Fraction

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class PabulibError(Exception):
    """A ``.pb`` file that does not follow the format; ``line`` is 1-based (0 when unknown).

    ``message`` is the English text, ``template % params``: ``template`` is an English source
    string marked with :func:`~pnyx.methods.gettext_noop` (so it is in the interface's
    catalogues) with named placeholders, ``params`` their values. A caller that shows the error
    to a person translates it: ``gettext(exc.template) % exc.params``."""

    def __init__(self, line: int, template: str, /, **params: object) -> None:
        message = template % params
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message
        self.template = template
        self.params: dict[str, object] = params


@dataclass(frozen=True)
class Project:
    """One row of PROJECTS. ``extra`` holds every other column as written (``votes``, ``score``,
    ``selected``, ``category``, ``district``, coordinates ...)."""

    id: str
    cost: Number
    name: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Voter:
    """One row of VOTES. ``vote`` lists project ids as written (most preferred first for ordinal
    ballots); ``points`` is parallel to ``vote`` for cumulative and scoring ballots, else ``None``;
    ``extra`` holds the other columns (``age``, ``sex``, ``voting_method``, ``district`` ...);
    :func:`read_pb` gives voters with equal extra cells one shared mapping, not to be mutated."""

    id: str
    vote: tuple[str, ...]
    points: tuple[Number, ...] | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Election:
    """A whole ``.pb`` file. ``meta`` keeps the META section as strings, in file order;
    ``project_columns``/``voter_columns`` keep the extra columns' order so writing reproduces it."""

    meta: Mapping[str, str]
    projects: tuple[Project, ...]
    voters: tuple[Voter, ...]
    project_columns: tuple[str, ...] = ()
    voter_columns: tuple[str, ...] = ()

    @property
    def budget(self) -> Number:
        return parse_number(self.meta["budget"], "budget", allow_comma=True)

    @property
    def vote_type(self) -> str:
        return self.meta["vote_type"].strip().lower()

    def project(self, project_id: str) -> Project:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)


# ----------------------------------------------------------------------------------------------
# numbers


def parse_number(text: str, what: str, *, line: int = 0, allow_comma: bool = False) -> Number:
    """An exact decimal: ``int`` when whole, else :class:`Fraction` (``"1331751.11"``).
    ``what`` names the value in the error (a META key or column name, left untranslated)."""
    return _number(
        text,
        line,
        allow_comma,
        gettext_noop("%(what)s %(value)r is not a number"),
        {"what": what},
    )


def _number(
    text: str, line: int, allow_comma: bool, template: str, params: dict[str, object]
) -> Number:
    """:func:`parse_number` raising ``PabulibError(line, template, value=..., **params)``."""
    cell = text.strip()
    if allow_comma and "," in cell and "." not in cell:
        cell = cell.replace(",", ".")  # "12,5" as pabutools reads costs
    if not _NUMBER.fullmatch(cell):
        raise PabulibError(line, template, value=text.strip(), **params)
    if "." not in cell:
        return int(cell)
    value = Fraction(cell)
    return int(value) if value.denominator == 1 else value


def format_number(value: Number) -> str:
    """Write an exact number as a plain decimal (``1331751.11``, ``3``); never ``1/3``."""
    if isinstance(value, int) or value.denominator == 1:
        return str(int(value))
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        raise ValueError(f"{value} has no finite decimal form")
    digits = max(twos, fives)
    scaled = abs(value.numerator) * (10**digits // value.denominator)
    sign = "-" if value < 0 else ""
    whole, frac = divmod(scaled, 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}".rstrip("0").rstrip(".")


# ----------------------------------------------------------------------------------------------
# reading


def read_pb(source: str | Path | bytes) -> Election:
    """Read a ``.pb`` file from a path (``str`` or ``Path``), raw ``bytes``, or text containing
    a newline (then it is the file's content itself)."""
    if isinstance(source, str) and "\n" in source:
        return parse_pb(source)
    if isinstance(source, bytes):
        data = source
    else:
        data = Path(source).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PabulibError(
            line, gettext_noop("not UTF-8 text (byte 0x%(byte)s)"), byte=f"{data[exc.start]:02x}"
        ) from None
    return parse_pb(text)


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, stripped cells) for every non-blank line, CSV-unquoted.

    The csv module only reads the lines from the first to the last one holding a quote or a
    stray carriage return; on every other line it would just split at ``;`` (no quote can open
    a field there), which ``str.split`` does 3x faster. A record still open at the end of that
    stretch is read again, from its first line, with the rest of the file."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    special = [i for i, line in enumerate(lines) if '"' in line or "\r" in line]
    low, high = (special[0], special[-1] + 1) if special else (len(lines), len(lines))
    yield from _split_rows(lines, 0, low)
    start = low
    reader = csv.reader(lines[low:high], delimiter=";", strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            # a record cut at ``high`` continues below it: reread from its start to the end
            yield from _csv_rows(lines, start)
            return
        start = low + reader.line_num
        cells = list(map(str.strip, row))
        if cells and cells != [""]:
            yield start, cells
    yield from _split_rows(lines, high, len(lines))


def _split_rows(lines: list[str], low: int, high: int) -> Iterator[tuple[int, list[str]]]:
    for index in range(low, high):
        cells = list(map(str.strip, lines[index].split(";")))
        if cells != [""]:
            yield index + 1, cells


def _csv_rows(lines: list[str], low: int) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(lines[low:], delimiter=";", strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PabulibError(
                low + reader.line_num, gettext_noop("bad CSV quoting (%(error)s)"), error=exc
            ) from None
        cells = list(map(str.strip, row))
        if cells and cells != [""]:
            yield low + reader.line_num, cells


def parse_pb(text: str) -> Election:
    """Parse the content of a ``.pb`` file; see the module docstring for what is checked."""
    # A city file makes ~10^5 small objects that all live on: the cyclic garbage collector
    # would only rescan them again and again (a third of the parsing time on Lodz 2022).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_pb(text)
    finally:
        if collecting:
            gc.enable()


def _parse_pb(text: str) -> Election:
    if text.startswith("\ufeff"):
        text = text[1:]
    sections: dict[str, tuple[int, list[str], list[tuple[int, list[str]]]]] = {}
    current: str | None = None
    last_line = 0
    rows = _rows(text)
    for line, cells in rows:
        last_line = line
        title = cells[0].upper() if len(cells) == 1 else ""
        if title in SECTIONS:
            expected = SECTIONS[len(sections)] if len(sections) < len(SECTIONS) else None
            if title in sections:
                raise PabulibError(
                    line, gettext_noop("section %(section)s appears twice"), section=title
                )
            if title != expected:
                raise PabulibError(
                    line,
                    gettext_noop("section %(missing)s is missing before %(section)s"),
                    missing=expected,
                    section=title,
                )
            header = next(rows, None)
            if header is None:
                raise PabulibError(
                    line,
                    gettext_noop("section %(section)s has no column header line"),
                    section=title,
                )
            last_line = header[0]
            names = [name.lower() if title == "META" else name for name in header[1]]
            if len(set(names)) != len(names):
                raise PabulibError(
                    header[0],
                    gettext_noop("repeated column name in %(section)s header"),
                    section=title,
                )
            sections[title] = (header[0], names, [])
            current = title
            continue
        if current is None:
            raise PabulibError(
                line,
                gettext_noop("expected the section title META, found %(found)r"),
                found=cells[0],
            )
        sections[current][2].append((line, cells))
    for title in SECTIONS:
        if title not in sections:
            raise PabulibError(
                max(last_line, 1), gettext_noop("section %(section)s is missing"), section=title
            )

    meta = _parse_meta(*sections["META"])
    meta_lines = {key: line for key, (line, _) in meta.items()}
    meta_values = {key: value for key, (_, value) in meta.items()}
    projects, project_columns = _parse_projects(*sections["PROJECTS"])
    voters, voter_columns = _parse_votes(
        *sections["VOTES"], meta_values, meta_lines, {p.id: p.cost for p in projects}
    )
    for key, count, template in (
        (
            "num_projects",
            len(projects),
            gettext_noop("num_projects is %(stated)s but the file has %(count)s projects"),
        ),
        (
            "num_votes",
            len(voters),
            gettext_noop("num_votes is %(stated)s but the file has %(count)s votes"),
        ),
    ):
        if key in meta_values:
            stated = parse_number(meta_values[key], key, line=meta_lines[key])
            if stated != count:
                raise PabulibError(meta_lines[key], template, stated=stated, count=count)
    return Election(
        meta=meta_values,
        projects=tuple(projects),
        voters=tuple(voters),
        project_columns=tuple(project_columns),
        voter_columns=tuple(voter_columns),
    )


def _check_columns(line: int, cells: list[str], header: list[str], header_line: int) -> None:
    if len(cells) != len(header):
        raise PabulibError(
            line,
            gettext_noop(
                "expected %(expected)s columns as in the header on line %(header_line)s, "
                "found %(found)s"
            ),
            expected=len(header),
            header_line=header_line,
            found=len(cells),
        )


def is_given(value: str) -> bool:
    """A META value counts unless it is empty or "none" (as Pabulib files write a missing one)."""
    return value.strip().lower() not in ("", "none")


# META values the counting rules read as numbers when present (budget and the vote limits are
# checked with the votes)
NUMERIC_META = ("min_project_score_threshold", "default_score")


def _parse_meta(
    header_line: int, header: list[str], rows: list[tuple[int, list[str]]]
) -> dict[str, tuple[int, str]]:
    if header != ["key", "value"]:
        raise PabulibError(header_line, gettext_noop("the META header must be 'key;value'"))
    meta: dict[str, tuple[int, str]] = {}
    for line, cells in rows:
        _check_columns(line, cells, header, header_line)
        key = cells[0]
        if not key:
            raise PabulibError(line, gettext_noop("empty META key"))
        if key in meta:
            raise PabulibError(
                line,
                gettext_noop("META key %(key)r repeated (first on line %(first)s)"),
                key=key,
                first=meta[key][0],
            )
        meta[key] = (line, cells[1])
    last = rows[-1][0] if rows else header_line
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise PabulibError(last, gettext_noop("META has no %(key)r"), key=key)
    line, vote_type = meta["vote_type"]
    if vote_type.lower() not in VOTE_TYPES:
        raise PabulibError(
            line,
            gettext_noop("unknown vote_type %(vote_type)r (expected one of %(expected)s)"),
            vote_type=vote_type,
            expected=", ".join(VOTE_TYPES),
        )
    line, budget = meta["budget"]
    if parse_number(budget, "budget", line=line, allow_comma=True) < 0:
        raise PabulibError(line, gettext_noop("negative budget"))
    for key in NUMERIC_META:  # read by the counting rules: checked here, where the line is known
        if key in meta and is_given(meta[key][1]):
            parse_number(meta[key][1], key, line=meta[key][0])
    return meta


def _parse_projects(
    header_line: int, header: list[str], rows: list[tuple[int, list[str]]]
) -> tuple[list[Project], list[str]]:
    for column in ("project_id", "cost"):
        if column not in header:
            raise PabulibError(
                header_line,
                gettext_noop("the PROJECTS header has no %(column)r column"),
                column=column,
            )
    extra_columns = [c for c in header if c not in ("project_id", "cost", "name")]
    projects: list[Project] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        _check_columns(line, cells, header, header_line)
        row = dict(zip(header, cells, strict=True))
        project_id = row["project_id"]
        if not project_id:
            raise PabulibError(line, gettext_noop("empty project_id"))
        if "," in project_id:
            raise PabulibError(
                line, gettext_noop("project_id %(project)r contains a comma"), project=project_id
            )
        if project_id in seen:
            raise PabulibError(
                line,
                gettext_noop("project %(project)r repeated (first on line %(first)s)"),
                project=project_id,
                first=seen[project_id],
            )
        seen[project_id] = line
        cost = _number(
            row["cost"],
            line,
            True,
            gettext_noop("cost of project %(project)r %(value)r is not a number"),
            {"project": project_id},
        )
        if cost < 0:
            raise PabulibError(
                line,
                gettext_noop("negative cost %(cost)s for project %(project)r"),
                cost=row["cost"],
                project=project_id,
            )
        projects.append(
            Project(
                id=project_id,
                cost=cost,
                name=row.get("name", ""),
                extra={c: row[c] for c in extra_columns},
            )
        )
    return projects, [c for c in header if c not in ("project_id", "cost")]


def _meta_number(meta: Mapping[str, str], lines: Mapping[str, int], key: str) -> Number | None:
    if not is_given(meta.get(key, "")):
        return None
    return parse_number(meta[key], key, line=lines[key])


def _parse_votes(
    header_line: int,
    header: list[str],
    rows: list[tuple[int, list[str]]],
    meta: Mapping[str, str],
    meta_lines: Mapping[str, int],
    costs: Mapping[str, Number],
) -> tuple[list[Voter], list[str]]:
    vote_type = meta["vote_type"].lower()
    with_points = vote_type in ("cumulative", "scoring")
    required = ["voter_id", "vote"] + (["points"] if with_points else [])
    for column in required:
        if column not in header:
            raise PabulibError(
                header_line,
                gettext_noop("the VOTES header has no %(column)r column"),
                column=column,
            )
    extra_columns = [c for c in header if c not in ("voter_id", "vote", "points")]

    def bound(key: str) -> Number | None:
        return _meta_number(meta, meta_lines, key)

    min_length, max_length = bound("min_length"), bound("max_length")
    for key, count in (("min_length", min_length), ("max_length", max_length)):
        if count is not None and not isinstance(count, int):  # a number of projects
            raise PabulibError(
                meta_lines[key],
                gettext_noop("%(key)s %(value)r is not a whole number"),
                key=key,
                value=meta[key].strip(),
            )
    min_points, max_points = bound("min_points"), bound("max_points")
    min_sum, max_sum = bound("min_sum_points"), bound("max_sum_points")
    min_cost, max_cost = bound("min_sum_cost"), bound("max_sum_cost")
    if vote_type == "choose-1":
        max_length = 1 if max_length is None else min(max_length, 1)
    if vote_type == "cumulative" and max_points is None:
        max_points = max_sum
    if vote_type == "cumulative" and min_points is None:
        min_points = 0

    voters: list[Voter] = []
    seen: dict[str, int] = {}
    idx_vote = header.index("vote")
    idx_id = header.index("voter_id")
    idx_points = header.index("points") if "points" in header else -1
    idx_extra = [header.index(c) for c in extra_columns]
    known = set(costs)
    n_columns = len(header)
    count_distinct = with_points or min_length is not None or max_length is not None

    def ballot(line: int, raw_vote: str, raw_points: str) -> tuple[tuple[str, ...], Any]:
        """The checked (vote, points) of one ballot as written; a function of the two cells."""
        vote: tuple[str, ...]
        if raw_vote.lower() in ("", "none"):
            vote = ()
        elif " " in raw_vote:
            vote = tuple(p.strip() for p in raw_vote.split(","))
        else:
            vote = tuple(raw_vote.split(","))
        if not known.issuperset(vote):
            unknown = next(p for p in vote if p not in known)
            raise PabulibError(
                line, gettext_noop("vote names unknown project %(project)r"), project=unknown
            )
        distinct = len(set(vote)) if count_distinct else len(vote)
        points: tuple[Number, ...] | None = None
        if with_points:
            if distinct != len(vote):
                raise PabulibError(
                    line, gettext_noop("a project appears twice in a vote with points")
                )
            items = [] if raw_points.lower() in ("", "none") else raw_points.split(",")
            if len(items) != len(vote):
                raise PabulibError(
                    line,
                    gettext_noop(
                        "%(projects)s projects in 'vote' but %(values)s values in 'points'"
                    ),
                    projects=len(vote),
                    values=len(items),
                )
            points = tuple(
                int(p) if p.isascii() and p.isdigit() else parse_number(p, "points", line=line)
                for p in items
            )
            for project_id, value in zip(vote, points, strict=True):
                if min_points is not None and value < min_points:
                    raise PabulibError(
                        line,
                        gettext_noop(
                            "%(points)s points for %(project)r, below min_points %(min_points)s"
                        ),
                        points=value,
                        project=project_id,
                        min_points=min_points,
                    )
                if max_points is not None and value > max_points:
                    raise PabulibError(
                        line,
                        gettext_noop(
                            "%(points)s points for %(project)r, over max_points %(max_points)s"
                        ),
                        points=value,
                        project=project_id,
                        max_points=max_points,
                    )
            total = sum(points)
            if max_sum is not None and total > max_sum:
                raise PabulibError(
                    line,
                    gettext_noop("%(total)s points in total, over max_sum_points %(max_sum)s"),
                    total=total,
                    max_sum=max_sum,
                )
            if min_sum is not None and vote and total < min_sum:
                raise PabulibError(
                    line,
                    gettext_noop("%(total)s points in total, below min_sum_points %(min_sum)s"),
                    total=total,
                    min_sum=min_sum,
                )
        if vote and min_length is not None and distinct < min_length:
            raise PabulibError(
                line,
                gettext_noop("%(count)s projects in the vote, min_length is %(min_length)s"),
                count=distinct,
                min_length=min_length,
            )
        if max_length is not None and distinct > max_length:
            raise PabulibError(
                line,
                gettext_noop("%(count)s projects in the vote, max_length is %(max_length)s"),
                count=distinct,
                max_length=max_length,
            )
        if vote_type == "approval" and (min_cost is not None or max_cost is not None):
            spent = sum((costs[p] for p in set(vote)), start=0)
            if max_cost is not None and spent > max_cost:
                raise PabulibError(
                    line,
                    gettext_noop(
                        "the vote costs %(spent)s in total, over max_sum_cost %(max_cost)s"
                    ),
                    spent=spent,
                    max_cost=max_cost,
                )
            if min_cost is not None and vote and spent < min_cost:
                raise PabulibError(
                    line,
                    gettext_noop(
                        "the vote costs %(spent)s in total, below min_sum_cost %(min_cost)s"
                    ),
                    spent=spent,
                    min_cost=min_cost,
                )
        return vote, points

    # Many voters cast the same ballot: check each distinct (vote, points) pair of cells once
    # (a failing one raises on its first line, so every error still names the first bad line).
    checked: dict[Any, tuple[tuple[str, ...], Any]] = {}
    # Voters whose extra cells are equal share one (read-only) mapping: a city file has ~10^5
    # voters but a few hundred (age, sex, voting_method) combinations.
    extras: dict[tuple[str, ...], dict[str, str]] = {}
    get_extra: Callable[[list[str]], tuple[str, ...]]
    if len(idx_extra) >= 2:
        get_extra = itemgetter(*idx_extra)
    else:
        get_extra = lambda cells: tuple([cells[i] for i in idx_extra])  # noqa: E731
    new_voter = object.__new__
    set_fields = object.__setattr__
    for line, cells in rows:
        if len(cells) != n_columns:
            _check_columns(line, cells, header, header_line)
        voter_id = cells[idx_id]
        if not voter_id:
            raise PabulibError(line, gettext_noop("empty voter_id"))
        if voter_id in seen:
            raise PabulibError(
                line,
                gettext_noop("voter %(voter)r repeated (first on line %(first)s)"),
                voter=voter_id,
                first=seen[voter_id],
            )
        seen[voter_id] = line
        if with_points:
            pair = (cells[idx_vote], cells[idx_points])
            parsed = checked.get(pair)
            if parsed is None:
                parsed = checked[pair] = ballot(line, *pair)
        else:  # the vote cell alone: no tuple to build and hash
            parsed = checked.get(cells[idx_vote])
            if parsed is None:
                parsed = checked[cells[idx_vote]] = ballot(line, cells[idx_vote], "")
        values = get_extra(cells)
        extra = extras.get(values)
        if extra is None:
            extra = extras[values] = dict(zip(extra_columns, values, strict=True))
        # Voter(...) without the frozen dataclass __init__'s per-field __setattr__ (2x faster)
        voter = new_voter(Voter)
        set_fields(
            voter,
            "__dict__",
            {"id": voter_id, "vote": parsed[0], "points": parsed[1], "extra": extra},
        )
        voters.append(voter)
    return voters, extra_columns


# ----------------------------------------------------------------------------------------------
# writing


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def write_pb(election: Election) -> str:
    """The ``.pb`` text of an election (LF line ends, minimal CSV quoting);
    ``parse_pb(write_pb(e)) == e``."""
    out = ["META\n", _csv_line(["key", "value"])]
    out.extend(_csv_line([key, value]) for key, value in election.meta.items())
    columns = [c for c in election.project_columns if c not in ("project_id", "cost")]
    out.append("PROJECTS\n")
    out.append(_csv_line(["project_id", "cost", *columns]))
    for project in election.projects:
        cells = [project.id, format_number(project.cost)]
        for column in columns:
            cells.append(project.name if column == "name" else project.extra.get(column, ""))
        out.append(_csv_line(cells))
    with_points = election.vote_type in ("cumulative", "scoring")
    vcolumns = [c for c in election.voter_columns if c not in ("voter_id", "vote", "points")]
    out.append("VOTES\n")
    out.append(_csv_line(["voter_id", "vote", *(["points"] if with_points else []), *vcolumns]))
    for voter in election.voters:
        cells = [voter.id, ",".join(voter.vote)]
        if with_points:
            cells.append(",".join(format_number(p) for p in voter.points or ()))
        cells.extend(voter.extra.get(c, "") for c in vcolumns)
        out.append(_csv_line(cells))
    return "".join(out)
