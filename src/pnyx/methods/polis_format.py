"""Pol.is open-data export format: ``comments.csv``, ``votes.csv``, ``participants-votes.csv``,
``summary.csv`` (as published in ``compdemocracy/openData``).

Facts this reader relies on (checked on the openData exports):

- ``comments.csv``: ``timestamp,[datetime,]comment-id,author-id,agrees,disagrees,moderated,
  [is-meta,is-seed,group-informed-consensus,]comment-body``; ``moderated`` -1 = moderated out,
  0 = not moderated, 1 = accepted. Comment ids need not start at 0.
- ``votes.csv``: ``timestamp,datetime,comment-id,voter-id,vote``, the full history (re-votes
  included); the matrix keeps the last vote of each participant on each comment (latest
  timestamp, file order among equal timestamps). 1 = agree, -1 = disagree, 0 = pass.
- ``participants-votes.csv``: ``participant,[xid,]group-id,n-comments,n-votes,n-agree,
  n-disagree,<comment ids...>``; ``group-id`` is Pol.is' own group (empty = not clustered); cells
  1/-1/0, empty = not voted. Comment columns are located by header name after ``n-disagree``.
- ``summary.csv``: ``key,value`` rows (topic, url, views, voters, voters-in-conv, commenters,
  comments, groups, conversation-description).

Reading is all-or-nothing: a malformed file raises :class:`PolisFormatError` naming the file and
the row (1 = header line; physical line numbers, so a comment body spanning lines is counted as
it is in the file) and nothing is returned; its message is in English, its template marked for
translation (see :class:`PolisFormatError`). Writing produces files this reader reads back to the
same matrix of last votes (``votes.csv`` then holds one row per last vote, timestamp 0 unless the
conversation carries vote times).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pnyx.methods import gettext_noop
from pnyx.methods.opinion import OpinionMap, VoteMatrix

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS_VOTES = "participants-votes.csv"
SUMMARY = "summary.csv"

_COMMENT_COLUMNS = ("comment-id", "author-id", "moderated", "comment-body")
_VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
_PV_COLUMNS = ("participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")
_VOTE_TEXT = {"1": 1, "-1": -1, "0": 0}
_TRUE = {"1", "true", "True", "TRUE", "t"}


# Templates used at more than one place. The column names (``comment-id``, ``vote`` ...) and the
# values are parameters: they are written as in the file, in every language.
_NOT_AN_INTEGER = gettext_noop("%(column)s: %(value)r is not an integer")
_CELL_NOT_AN_INTEGER = gettext_noop("column %(column)s: %(value)r is not an integer")
_NOT_A_VOTE = gettext_noop("%(column)s: vote %(value)r is not 1 (agree), -1 (disagree) or 0 (pass)")
_CELL_NOT_A_VOTE = gettext_noop(
    "column %(column)s: vote %(value)r is not 1 (agree), -1 (disagree) or 0 (pass)"
)
_BAD_CSV = gettext_noop("bad CSV: %(error)s")


class PolisFormatError(ValueError):
    """A malformed Pol.is export file; ``str()`` is ``FILE:ROW: message``.

    ``message`` is the English text, ``template % params``: ``template`` is an English source
    string marked with :func:`~pnyx.methods.gettext_noop` (so it is in the interface's
    catalogues) with named placeholders, ``params`` their values (numbers, column names, Python
    reprs of cells, the csv module's error text: shown as they are in every language). A caller
    that shows the error to a person translates it: ``gettext(error.template) % error.params``."""

    def __init__(self, file: str, row: int, template: str, /, **params: object) -> None:
        message = template % params
        super().__init__(f"{file}:{row}: {message}")
        self.file = file
        self.row = row
        self.message = message
        self.template = template
        self.params: dict[str, object] = params


@dataclass(frozen=True)
class Statement:
    id: int
    text: str
    author: int | None = None
    moderated: int = 0  # -1 moderated out, 0 not moderated, 1 accepted
    is_meta: bool = False
    timestamp: int = 0

    @property
    def moderated_out(self) -> bool:
        return self.moderated == -1 or self.is_meta


@dataclass(frozen=True, eq=False)
class PolisConversation:
    statements: tuple[Statement, ...]
    matrix: VoteMatrix
    polis_groups: Mapping[int, int] = field(default_factory=dict)  # participant -> Pol.is group-id
    summary: Mapping[str, str] = field(default_factory=dict)
    xids: Mapping[int, str] = field(default_factory=dict)

    @property
    def moderated_out(self) -> frozenset[int]:
        return frozenset(s.id for s in self.statements if s.moderated_out)

    def statement(self, statement_id: int) -> Statement | None:
        for s in self.statements:
            if s.id == statement_id:
                return s
        return None


# ---------------------------------------------------------------------------------------------
# Reading


def _table(
    path: Path, required: tuple[str, ...]
) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
    """Header positions and the (line number, fields) of each record; checks columns first."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PolisFormatError(
            name, 1, gettext_noop("not UTF-8 text (%(reason)s)"), reason=error.reason
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise PolisFormatError(name, 1, gettext_noop("empty file, expected a header row")) from None
    except csv.Error as error:
        raise PolisFormatError(name, 1, _BAD_CSV, error=str(error)) from error
    missing = [c for c in required if c not in header]
    if missing:
        raise PolisFormatError(
            name, 1, gettext_noop("missing column(s): %(columns)s"), columns=", ".join(missing)
        )

    def records() -> Iterator[tuple[int, list[str]]]:
        try:
            for record in reader:
                if not record:
                    continue
                if len(record) != len(header):
                    raise PolisFormatError(
                        name,
                        reader.line_num,
                        gettext_noop("%(fields)s fields, the header has %(header)s"),
                        fields=len(record),
                        header=len(header),
                    )
                yield reader.line_num, record
        except csv.Error as error:
            raise PolisFormatError(name, reader.line_num, _BAD_CSV, error=str(error)) from error

    return {column: i for i, column in enumerate(header)}, records()


def _int(file: str, row: int, column: str, value: str, template: str = _NOT_AN_INTEGER) -> int:
    """``value`` as an integer; ``template`` (placeholders ``column`` and ``value``) else."""
    try:
        return int(value.strip())
    except ValueError:
        raise PolisFormatError(file, row, template, column=column, value=value) from None


def _vote(file: str, row: int, column: str, value: str, *, cell: bool = False) -> int:
    """A vote of column ``column`` (a named column, or a statement's column in
    participants-votes.csv when ``cell``)."""
    number = _int(file, row, column, value, _CELL_NOT_AN_INTEGER if cell else _NOT_AN_INTEGER)
    if number not in (-1, 0, 1):
        template = _CELL_NOT_A_VOTE if cell else _NOT_A_VOTE
        raise PolisFormatError(file, row, template, column=column, value=value)
    return number


def read_comments(path: Path) -> tuple[Statement, ...]:
    statements: list[Statement] = []
    seen: set[int] = set()
    h, records = _table(path, _COMMENT_COLUMNS)
    for row, fields in records:
        record = dict(zip(h, fields, strict=True))
        sid = _int(path.name, row, "comment-id", record["comment-id"])
        if sid in seen:
            raise PolisFormatError(
                path.name, row, gettext_noop("comment-id %(id)s appears twice"), id=sid
            )
        seen.add(sid)
        moderated = _int(path.name, row, "moderated", record["moderated"])
        if moderated not in (-1, 0, 1):
            raise PolisFormatError(
                path.name,
                row,
                gettext_noop("moderated: %(value)s is not -1, 0 or 1"),
                value=moderated,
            )
        author = record["author-id"].strip()
        timestamp = record.get("timestamp", "").strip()
        statements.append(
            Statement(
                id=sid,
                text=record["comment-body"],
                author=_int(path.name, row, "author-id", author) if author else None,
                moderated=moderated,
                is_meta=record.get("is-meta", "").strip() in _TRUE,
                timestamp=_int(path.name, row, "timestamp", timestamp) if timestamp else 0,
            )
        )
    return tuple(sorted(statements, key=lambda s: s.id))


def read_votes(path: Path, known: set[int]) -> dict[tuple[int, int], int]:
    """Last vote per (participant, statement)."""
    latest: dict[tuple[int, int], tuple[int, int]] = {}
    h, records = _table(path, _VOTE_COLUMNS)
    at_time, at_sid, at_pid, at_vote = (h[c] for c in _VOTE_COLUMNS)
    for row, record in records:
        timestamp = _int(path.name, row, "timestamp", record[at_time])
        sid = _int(path.name, row, "comment-id", record[at_sid])
        pid = _int(path.name, row, "voter-id", record[at_pid])
        value = _vote(path.name, row, "vote", record[at_vote])
        if sid not in known:
            raise PolisFormatError(
                path.name,
                row,
                gettext_noop("vote on unknown statement %(statement)s"),
                statement=sid,
            )
        key = (pid, sid)
        previous = latest.get(key)
        if previous is None or timestamp >= previous[0]:
            latest[key] = (timestamp, value)
    return {key: value for key, (_, value) in latest.items()}


def read_participants_votes(
    path: Path, known: set[int]
) -> tuple[dict[tuple[int, int], int], dict[int, int], dict[int, str], list[int]]:
    """Cells, Pol.is groups, xids and the participant order of ``participants-votes.csv``."""
    name = path.name
    cells: dict[tuple[int, int], int] = {}
    groups: dict[int, int] = {}
    xids: dict[int, str] = {}
    order: list[int] = []
    h, records = _table(path, _PV_COLUMNS)
    header = list(h)
    first = h["n-disagree"] + 1
    columns: list[tuple[int, str, int]] = []
    for position, column in enumerate(header[first:], start=first):
        sid = _int(
            name,
            1,
            column,
            column,
            gettext_noop("comment column: %(value)r is not an integer"),
        )
        if sid not in known:
            raise PolisFormatError(
                name,
                1,
                gettext_noop("column for unknown statement %(statement)s"),
                statement=sid,
            )
        columns.append((position, column, sid))
    seen: set[int] = set()
    at_xid = h.get("xid")
    for row, record in records:
        pid = _int(name, row, "participant", record[h["participant"]])
        if pid in seen:
            raise PolisFormatError(
                name,
                row,
                gettext_noop("participant %(participant)s appears twice"),
                participant=pid,
            )
        seen.add(pid)
        order.append(pid)
        group = record[h["group-id"]].strip()
        if group:
            groups[pid] = _int(name, row, "group-id", group)
        if at_xid is not None and record[at_xid].strip():
            xids[pid] = record[at_xid]
        for position, column, sid in columns:
            cell = record[position]
            if cell:
                if cell in _VOTE_TEXT:
                    cells[(pid, sid)] = _VOTE_TEXT[cell]
                else:
                    cells[(pid, sid)] = _vote(name, row, column, cell, cell=True)
    return cells, groups, xids, order


def read_summary(path: Path) -> dict[str, str]:
    summary: dict[str, str] = {}
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            if not record:
                continue
            if len(record) > 2:
                raise PolisFormatError(
                    path.name,
                    reader.line_num,
                    gettext_noop("expected key,value rows in summary.csv"),
                )
            summary[record[0]] = record[1] if len(record) > 1 else ""
    except csv.Error as error:
        raise PolisFormatError(path.name, reader.line_num, _BAD_CSV, error=str(error)) from error
    return summary


def read_polis_export(folder: Path | str) -> PolisConversation:
    """Read a Pol.is export folder (``comments.csv`` and ``votes.csv`` and/or
    ``participants-votes.csv``; ``summary.csv`` optional). The matrix comes from ``votes.csv``
    when present, else from ``participants-votes.csv``; statements sorted by id, participants in
    Pol.is' order (first statement voted on, then id; the order of participants-votes.csv).
    """
    root = Path(folder)
    if not (root / COMMENTS).is_file():
        raise PolisFormatError(
            COMMENTS, 0, gettext_noop("no comments.csv in %(folder)s"), folder=str(root)
        )
    statements = read_comments(root / COMMENTS)
    known = {s.id for s in statements}
    has_votes = (root / VOTES).is_file()
    has_pv = (root / PARTICIPANTS_VOTES).is_file()
    if not has_votes and not has_pv:
        raise PolisFormatError(
            VOTES,
            0,
            gettext_noop("neither votes.csv nor participants-votes.csv in %(folder)s"),
            folder=str(root),
        )
    groups: dict[int, int] = {}
    xids: dict[int, str] = {}
    participants: set[int] = set()
    cells: dict[tuple[int, int], int] = {}
    if has_pv:
        cells, groups, xids, order = read_participants_votes(root / PARTICIPANTS_VOTES, known)
        participants.update(order)
    if has_votes:
        cells = read_votes(root / VOTES, known)
    summary = read_summary(root / SUMMARY) if (root / SUMMARY).is_file() else {}
    participants.update(pid for pid, _ in cells)
    sids = [s.id for s in statements]
    col = {s: j for j, s in enumerate(sids)}
    # Rows in the order Pol.is' named matrix gives them when it loads a conversation's votes (its
    # queries sort votes by comment id, then participant id): by the first statement voted on,
    # then by id. It is also the row order of participants-votes.csv. It matters for the cold
    # start of k-means (the first k distinct points).
    first_column: dict[int, int] = {}
    for pid, sid in cells:
        j = col[sid]
        if j < first_column.get(pid, len(sids)):
            first_column[pid] = j
    pids = sorted(participants, key=lambda p: (first_column.get(p, len(sids)), p))
    row = {p: i for i, p in enumerate(pids)}
    votes = np.full((len(pids), len(sids)), np.nan)
    if cells:
        keys = np.array(list(cells), dtype=np.int64)
        rows = np.fromiter((row[p] for p in keys[:, 0]), dtype=np.int64, count=len(keys))
        cols = np.fromiter((col[s] for s in keys[:, 1]), dtype=np.int64, count=len(keys))
        votes[rows, cols] = np.fromiter(cells.values(), dtype=np.float64, count=len(cells))
    return PolisConversation(
        statements=statements,
        matrix=VoteMatrix(tuple(pids), tuple(sids), votes),
        polis_groups=groups,
        summary=summary,
        xids=xids,
    )


# ---------------------------------------------------------------------------------------------
# Writing


def _cell(value: float) -> str:
    return "" if np.isnan(value) else str(int(value))


def write_polis_export(
    folder: Path | str,
    conversation: PolisConversation,
    opinion_map: OpinionMap | None = None,
) -> None:
    """Write the four files; ``group-id`` comes from ``opinion_map`` when given, else from the
    conversation's Pol.is groups."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    matrix = conversation.matrix
    votes = matrix.votes
    col = {s: j for j, s in enumerate(matrix.statements)}
    agrees = (votes == 1).sum(axis=0)
    disagrees = (votes == -1).sum(axis=0)
    groups = (
        dict(opinion_map.groups) if opinion_map is not None else dict(conversation.polis_groups)
    )
    authored: dict[int, int] = {}
    for s in conversation.statements:
        if s.author is not None:
            authored[s.author] = authored.get(s.author, 0) + 1

    with (root / COMMENTS).open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(
            ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees"]
            + ["moderated", "is-meta", "comment-body"]
        )
        for s in conversation.statements:
            j = col.get(s.id)
            out.writerow(
                [
                    s.timestamp,
                    "",
                    s.id,
                    "" if s.author is None else s.author,
                    int(agrees[j]) if j is not None else 0,
                    int(disagrees[j]) if j is not None else 0,
                    s.moderated,
                    1 if s.is_meta else 0,
                    s.text,
                ]
            )

    with (root / VOTES).open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        rows, cols = np.nonzero(~np.isnan(votes))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            out.writerow([0, "", matrix.statements[j], matrix.participants[i], int(votes[i, j])])

    with (root / PARTICIPANTS_VOTES).open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        with_xid = bool(conversation.xids)
        out.writerow(
            ["participant"]
            + (["xid"] if with_xid else [])
            + list(_PV_COLUMNS[1:])
            + [str(s) for s in matrix.statements]
        )
        for i, pid in enumerate(matrix.participants):
            row = votes[i]
            out.writerow(
                [pid]
                + ([conversation.xids.get(pid, "")] if with_xid else [])
                + [
                    groups.get(pid, ""),
                    authored.get(pid, 0),
                    int((~np.isnan(row)).sum()),
                    int((row == 1).sum()),
                    int((row == -1).sum()),
                ]
                + [_cell(v) for v in row.tolist()]
            )

    summary = dict(conversation.summary)
    voters = int((~np.isnan(votes)).any(axis=1).sum())
    summary.update(
        {
            "voters": str(voters),
            "comments": str(len(conversation.statements)),
            "commenters": str(len(authored)),
        }
    )
    if opinion_map is not None:
        summary["voters-in-conv"] = str(len(opinion_map.in_conv))
        summary["groups"] = str(opinion_map.k)
    with (root / SUMMARY).open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        for key, value in summary.items():
            out.writerow([key, value])
