"""``pnyx tally FILE.pb --rule RULE [--completion ...] [--ties ...] [--explain] [--json]``:
the winners of a Pabulib participatory-budgeting election (see ``pnyx.methods.pb``).

Prints a table of the funded projects (id, name, cost, votes) and the budget used; ``--explain``
adds one sentence per project a resident can read; ``--json`` prints
``{"rule", "completion", "selected", "cost", "budget"}``. A file that is not valid Pabulib prints
``error: FILE:LINE: message`` on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import TextIO

from pnyx.methods.pabulib import Election, Number, PabulibError, read_pb
from pnyx.methods.pb import COMPLETIONS, RULES, TIES, Outcome, ProjectResult, tally

# META ``rule`` values in Pabulib files -> our rule names (used when --rule is not given)
META_RULES = {
    "greedy": "greedy",
    "greedy-no-skip": "greedy-no-skip",
    "greedy-threshold": "greedy-threshold",
    "equalshares": "mes",
    "equalshares/add1": "mes",
}
META_COMPLETIONS = {"equalshares/add1": "add1"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pnyx tally",
        description="Winners of a participatory-budgeting election in the Pabulib .pb format.",
    )
    parser.add_argument("file", metavar="FILE.pb", help="a Pabulib file")
    parser.add_argument(
        "--rule",
        choices=RULES,
        help="counting rule (default: the rule the file's META names, when it is one of these)",
    )
    parser.add_argument(
        "--completion",
        choices=COMPLETIONS,
        default=None,
        help="how Equal Shares spends what is left (only with --rule mes; default none)",
    )
    parser.add_argument(
        "--ties",
        choices=TIES,
        default="id",
        help="tie-breaking: project id as text (default, as pabutools), lower cost, more votes",
    )
    parser.add_argument("--explain", action="store_true", help="one sentence per project")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


# ----------------------------------------------------------------------------------------------
# formatting


def money(value: Number | float) -> str:
    """``38000`` -> ``38,000``; ``1331751.11`` -> ``1,331,751.11``."""
    if isinstance(value, float):
        value = Fraction(round(value * 100), 100)
    exact = Fraction(value)
    if exact.denominator == 1:
        return f"{int(exact):,}"
    cents = round(exact * 100)
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def points(value: Number) -> str:
    exact = Fraction(value)
    if exact.denominator == 1:
        return f"{int(exact):,}"
    return f"{float(exact):,.2f}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _listing(ids: Sequence[str]) -> str:
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " and " + ids[-1]


def _json_number(value: Number) -> int | float:
    exact = Fraction(value)
    return int(exact) if exact.denominator == 1 else float(exact)


def explain(outcome: Outcome, project: ProjectResult) -> str:
    """One plain sentence saying why the project was or was not funded."""
    by = "votes" if outcome.vote_type in ("approval", "choose-1") else "points"
    measure = project.votes if by == "votes" else project.score
    rule = outcome.rule
    if project.selected:
        if rule == "mes":
            paid = project.paid if project.paid is not None else float(project.cost)
            if project.cost == 0:
                return "funded: it costs nothing and has supporters"
            return (
                f"funded: its {project.votes:,} supporters paid {money(paid)} "
                "from their equal shares"
            )
        if rule == "phragmen":
            load = f" (their load rose to {money(project.load)} each)" if project.load else ""
            if project.votes == 0:
                return "funded: nobody voted for it, but it still fitted in the budget at the end"
            return (
                f"funded: {ordinal(project.order or 0)} chosen, its {project.votes:,} supporters "
                f"shared its cost{load}"
            )
        if rule == "greedy-cost":
            if project.votes == 0:
                return "funded: nobody voted for it, but it fitted in what was left"
            if project.cost == 0:
                return "funded: it costs nothing"
            by, measure = "votes", project.votes
        return (
            f"funded: {ordinal(project.rank or 0)} by {by} ({points(measure)}), "
            "fitted in the remaining budget"
        )
    reason = project.reason
    if reason == "over-budget":
        return (
            f"not funded: cost {money(project.cost)} is more than the whole budget "
            f"of {money(outcome.budget)}"
        )
    if reason == "did-not-fit":
        left = project.remaining if project.remaining is not None else outcome.budget
        return f"not funded: cost {money(project.cost)} but only {money(left)} was left"
    if reason == "below-threshold":
        needed = f" of {points(outcome.threshold)}" if outcome.threshold is not None else ""
        return f"not funded: {points(measure)} {by}, below the threshold{needed}"
    if reason == "no-support":
        return "not funded: nobody voted for it"
    if reason == "not-reached":
        where = _listing(project.spent_on)
        return f"not funded: the count stopped at {where}, which did not fit in the budget"
    if reason == "unaffordable":
        if project.spent_on:
            return (
                "not funded: its supporters had already spent their shares on "
                f"{_listing(project.spent_on)}"
            )
        return "not funded: its supporters' equal shares were not enough to pay for it"
    return f"not funded ({reason})"


def _table(election: Election, outcome: Outcome, *, width: int = 48) -> list[str]:
    score_column = outcome.vote_type not in ("approval", "choose-1")
    header = ["id", "name", "cost", "votes"] + (["points"] if score_column else [])
    rows: list[list[str]] = []
    by_id = {p.id: p for p in outcome.projects}
    for project_id in outcome.selected:
        project = by_id[project_id]
        name = " ".join(project.name.split())
        if len(name) > width:
            name = name[: width - 1] + "…"
        row = [project.id, name, money(project.cost), f"{project.votes:,}"]
        if score_column:
            row.append(points(project.score))
        rows.append(row)
    widths = [
        max(len(h), *(len(r[k]) for r in rows)) if rows else len(h) for k, h in enumerate(header)
    ]
    right = {2, 3, 4}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(widths[k]) if k in right else c.ljust(widths[k]) for k, c in enumerate(cells)
        ).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    if not rows:
        out.append("(no project funded)")
    return out


def _text(election: Election, outcome: Outcome, explain_all: bool) -> str:
    rule = outcome.rule + (f" + {outcome.completion}" if outcome.completion != "none" else "")
    title = ", ".join(
        v
        for v in (
            election.meta.get("unit"),
            election.meta.get("subunit"),
            election.meta.get("instance"),
        )
        if v
    )
    lines = [
        f"{title or 'election'}: {len(outcome.selected)} of {len(outcome.projects)} projects "
        f"funded by {rule} (ties by {outcome.ties})",
        "",
        *_table(election, outcome),
        "",
        f"Budget used: {money(outcome.cost)} of {money(outcome.budget)} "
        f"({money(Fraction(outcome.budget) - Fraction(outcome.cost))} left)",
    ]
    if explain_all:
        lines.append("")
        ordered = sorted(
            outcome.projects,
            key=lambda p: (not p.selected, p.order or 0, -p.votes, p.id),
        )
        for project in ordered:
            lines.append(f"{project.id}: {explain(outcome, project)}")
    return "\n".join(lines)


class _ProgressBar:
    """A one-line bar on a terminal's stderr, shown only once a count has run for ``delay``
    seconds (short counts print nothing), redrawn at most ten times a second."""

    def __init__(self, stream: TextIO, delay: float = 0.5) -> None:
        self.stream = stream
        self.start = time.monotonic()
        self.delay = delay
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: float) -> None:
        now = time.monotonic()
        if now - self.start < self.delay and not self.drawn:
            return
        if done < 1.0 and now - self.last < 0.1:
            return
        self.last = now
        share = min(1.0, max(0.0, done))
        filled = int(30 * share)
        self.stream.write(f"\rcounting [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * 50 + "\r")
            self.stream.flush()


# ----------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        election = read_pb(args.file)
    except PabulibError as exc:
        print(f"error: {args.file}:{exc.line}: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    rule = args.rule
    completion = args.completion
    if rule is None:
        meta_rule = election.meta.get("rule", "").strip().lower()
        if meta_rule not in META_RULES:
            print(
                f"error: {args.file}: its META rule {meta_rule or '(none)'!r} is not one we "
                f"count; choose --rule from {', '.join(RULES)}",
                file=sys.stderr,
            )
            return 2
        rule = META_RULES[meta_rule]
        if completion is None:
            completion = META_COMPLETIONS.get(meta_rule, "none")
    completion = completion or "none"
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        outcome = tally(election, rule, completion=completion, ties=args.ties, progress=bar)
    except ValueError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:  # the MES module missing from an install
        print(f"error: rule {rule} is not available ({exc})", file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        payload: dict[str, object] = {
            "rule": outcome.rule,
            "completion": outcome.completion,
            "selected": list(outcome.selected),
            "cost": _json_number(outcome.cost),
            "budget": _json_number(outcome.budget),
        }
        if args.explain:
            payload["explain"] = {p.id: explain(outcome, p) for p in outcome.projects}
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(_text(election, outcome, args.explain))
    return 0
