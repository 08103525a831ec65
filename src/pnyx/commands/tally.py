"""``pnyx tally FILE.pb --rule RULE [--completion ...] [--ties ...] [--explain] [--json]``:
the winners of a Pabulib participatory-budgeting election (see ``pnyx.methods.pb``).

Prints a table of the funded projects (id, name, cost, votes) and the budget used; ``--explain``
adds one sentence per project a resident can read; ``--json`` prints
``{"rule", "completion", "selected", "cost", "budget"}``. A file that is not valid Pabulib prints
``error: FILE:LINE: message`` on stderr and exits with status 2. ``-`` reads the file from
standard input (errors then name it ``<stdin>``).

What a person reads is translated (``--language``, else the environment's language, else
English; see :mod:`pnyx.commands.i18n`); the ``--json`` output and the ``error: FILE:LINE:``
prefixes stay as they are for the programs that read them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import TextIO

from pnyx.commands.i18n import (
    add_language_argument,
    english,
    language,
    ngettext,
    pgettext,
    requested_language,
)
from pnyx.commands.i18n import gettext as _
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
        description=_("Winners of a participatory-budgeting election in the Pabulib .pb format."),
    )
    parser.add_argument(
        "file", metavar="FILE.pb", help=_("a Pabulib file (- reads it from standard input)")
    )
    parser.add_argument(
        "--rule",
        choices=RULES,
        help=_("counting rule (default: the rule the file's META names, when it is one of these)"),
    )
    parser.add_argument(
        "--completion",
        choices=COMPLETIONS,
        default=None,
        help=_("how Equal Shares spends what is left (only with --rule mes; default none)"),
    )
    parser.add_argument(
        "--ties",
        choices=TIES,
        default="id",
        help=_("tie-breaking: project id as text (default, as pabutools), lower cost, more votes"),
    )
    parser.add_argument("--explain", action="store_true", help=_("one sentence per project"))
    parser.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_language_argument(parser)
    return parser


# ----------------------------------------------------------------------------------------------
# formatting


def _separators() -> tuple[str, str]:
    """The thousands and decimal separators of the language: ``38,000.50`` in English,
    ``38 000,50`` in French (a narrow no-break space), ``38.000,50`` in Spanish."""
    return (
        pgettext("number format: thousands separator", ","),
        pgettext("number format: decimal separator", "."),
    )


def grouped(value: int) -> str:
    """``1234`` -> ``1,234`` (in the language's format)."""
    thousands, _decimal = _separators()
    return f"{value:,}".replace(",", thousands)


def money(value: Number | float) -> str:
    """``38000`` -> ``38,000``; ``1331751.11`` -> ``1,331,751.11`` (in the language's
    format)."""
    if isinstance(value, float):
        value = Fraction(round(value * 100), 100)
    exact = Fraction(value)
    if exact.denominator == 1:
        return grouped(int(exact))
    cents = round(exact * 100)
    _thousands, decimal = _separators()
    return f"{'-' if cents < 0 else ''}{grouped(abs(cents) // 100)}{decimal}{abs(cents) % 100:02d}"


def points(value: Number) -> str:
    exact = Fraction(value)
    if exact.denominator == 1:
        return grouped(int(exact))
    thousands, decimal = _separators()
    return f"{float(exact):,.2f}".translate({ord(","): thousands, ord("."): decimal})


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``11th``, ``21st`` ... in English; ``1er``, ``2e`` in French,
    ``1.º``, ``2.º`` in Spanish."""
    if n == 1:
        return pgettext("ordinal number", "1st")
    if 10 <= n % 100 <= 20 or n % 10 not in (1, 2, 3):
        text = pgettext("ordinal number", "%(n)sth")
    elif n % 10 == 1:
        text = pgettext("ordinal number", "%(n)sst")
    elif n % 10 == 2:
        text = pgettext("ordinal number", "%(n)snd")
    else:
        text = pgettext("ordinal number", "%(n)srd")
    return text % {"n": n}


def _listing(ids: Sequence[str]) -> str:
    if len(ids) <= 1:
        return "".join(ids)
    return _("%(first)s and %(last)s") % {"first": ", ".join(ids[:-1]), "last": ids[-1]}


def _top_listing(ids: Sequence[str], shown: int = 3) -> str:
    """The first ``shown`` of ``ids``, then how many others: a sentence stays readable when a
    project's supporters paid for twenty others."""
    if len(ids) <= shown + 1:
        return _listing(ids)
    others = len(ids) - shown
    return ngettext(
        "%(first)s and %(count)s other project",
        "%(first)s and %(count)s other projects",
        others,
    ) % {"first": ", ".join(ids[:shown]), "count": grouped(others)}


def _count(value: Number) -> int:
    """The number that chooses a plural form: fractions of a point take the plural."""
    exact = Fraction(value)
    return int(exact) if exact.denominator == 1 else 2


def _json_number(value: Number) -> int | float:
    exact = Fraction(value)
    return int(exact) if exact.denominator == 1 else float(exact)


def explain(outcome: Outcome, project: ProjectResult) -> str:
    """One plain sentence saying why the project was or was not funded."""
    by_votes = outcome.vote_type in ("approval", "choose-1")
    measure = project.votes if by_votes else project.score
    rule = outcome.rule
    if project.selected:
        if rule == "mes":
            paid = project.paid if project.paid is not None else float(project.cost)
            if project.cost == 0:
                return _("funded: it costs nothing and has supporters")
            return ngettext(
                "funded: its %(supporters)s supporter paid %(amount)s from their equal share",
                "funded: its %(supporters)s supporters paid %(amount)s from their equal shares",
                project.votes,
            ) % {"supporters": grouped(project.votes), "amount": money(paid)}
        if rule == "phragmen":
            if project.votes == 0:
                return _(
                    "funded: nobody voted for it, but it still fitted in the budget at the end"
                )
            values = {
                "order": ordinal(project.order or 0),
                "supporters": grouped(project.votes),
                "load": money(project.load or 0),
            }
            if project.load:
                return (
                    ngettext(
                        "funded: %(order)s chosen, its %(supporters)s supporter took on its cost "
                        "(their load rose to %(load)s)",
                        "funded: %(order)s chosen, its %(supporters)s supporters shared its cost "
                        "(their load rose to %(load)s each)",
                        project.votes,
                    )
                    % values
                )
            return (
                ngettext(
                    "funded: %(order)s chosen, its %(supporters)s supporter took on its cost",
                    "funded: %(order)s chosen, its %(supporters)s supporters shared its cost",
                    project.votes,
                )
                % values
            )
        if rule == "greedy-cost":
            if project.votes == 0:
                return _("funded: nobody voted for it, but it fitted in what was left")
            if project.cost == 0:
                return _("funded: it costs nothing")
            by_votes, measure = True, project.votes
        values = {"rank": ordinal(project.rank or 0), "measure": points(measure)}
        if by_votes:
            return (
                _("funded: %(rank)s by votes (%(measure)s), fitted in the remaining budget")
                % values
            )
        return (
            _("funded: %(rank)s by points (%(measure)s), fitted in the remaining budget") % values
        )
    reason = project.reason
    if reason == "over-budget":
        return _("not funded: cost %(cost)s is more than the whole budget of %(budget)s") % {
            "cost": money(project.cost),
            "budget": money(outcome.budget),
        }
    if reason == "did-not-fit":
        left = project.remaining if project.remaining is not None else outcome.budget
        return _("not funded: cost %(cost)s but only %(left)s was left") % {
            "cost": money(project.cost),
            "left": money(left),
        }
    if reason == "below-threshold":
        values = {"measure": points(measure)}
        n = _count(measure)
        if outcome.threshold is None:
            if by_votes:
                return (
                    ngettext(
                        "not funded: %(measure)s vote, below the threshold",
                        "not funded: %(measure)s votes, below the threshold",
                        n,
                    )
                    % values
                )
            return (
                ngettext(
                    "not funded: %(measure)s point, below the threshold",
                    "not funded: %(measure)s points, below the threshold",
                    n,
                )
                % values
            )
        values["threshold"] = points(outcome.threshold)
        if by_votes:
            return (
                ngettext(
                    "not funded: %(measure)s vote, below the threshold of %(threshold)s",
                    "not funded: %(measure)s votes, below the threshold of %(threshold)s",
                    n,
                )
                % values
            )
        return (
            ngettext(
                "not funded: %(measure)s point, below the threshold of %(threshold)s",
                "not funded: %(measure)s points, below the threshold of %(threshold)s",
                n,
            )
            % values
        )
    if reason == "no-support":
        return _("not funded: nobody voted for it")
    if reason == "not-reached":
        return _(
            "not funded: the count stopped at %(projects)s, which did not fit in the budget"
        ) % {"projects": _listing(project.spent_on)}
    if reason == "unaffordable":  # MES sets shares_left (and spent_on, most paid first)
        values = {"left": money(project.shares_left or 0), "cost": money(project.cost)}
        if project.spent_on:
            values["projects"] = _top_listing(project.spent_on)
            return (
                _(
                    "not funded: its supporters had already spent their shares on %(projects)s; "
                    "they had %(left)s left, and it costs %(cost)s"
                )
                % values
            )
        return (
            _(
                "not funded: its supporters' equal shares, %(left)s in all, were not enough for "
                "its cost of %(cost)s"
            )
            % values
        )
    return _("not funded (%(reason)s)") % {"reason": reason}


def _table(election: Election, outcome: Outcome, *, width: int = 48) -> list[str]:
    score_column = outcome.vote_type not in ("approval", "choose-1")
    header = [
        pgettext("tally table heading", "id"),
        pgettext("tally table heading", "name"),
        pgettext("tally table heading", "cost"),
        pgettext("tally table heading", "votes"),
    ]
    if score_column:
        header.append(pgettext("tally table heading", "points"))
    rows: list[list[str]] = []
    by_id = {p.id: p for p in outcome.projects}
    for project_id in outcome.selected:
        project = by_id[project_id]
        name = " ".join(project.name.split())
        if len(name) > width:
            name = name[: width - 1] + "…"
        row = [project.id, name, money(project.cost), grouped(project.votes)]
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
        out.append(_("(no project funded)"))
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
    # The noun agrees with the funded count in French and Spanish ("1 projet financé sur 3"),
    # with the total in English, whose two forms are therefore the same.
    heading = ngettext(
        "%(title)s: %(selected)s of %(total)s projects funded by %(rule)s (ties by %(ties)s)",
        "%(title)s: %(selected)s of %(total)s projects funded by %(rule)s (ties by %(ties)s)",
        len(outcome.selected),
    ) % {
        "title": title or _("election"),
        "selected": len(outcome.selected),
        "total": len(outcome.projects),
        "rule": rule,
        "ties": outcome.ties,
    }
    budget = _("Budget used: %(cost)s of %(budget)s (%(left)s left)") % {
        "cost": money(outcome.cost),
        "budget": money(outcome.budget),
        "left": money(Fraction(outcome.budget) - Fraction(outcome.cost)),
    }
    lines = [heading, "", *_table(election, outcome), "", budget]
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
        self.width = 0

    def __call__(self, done: float) -> None:
        now = time.monotonic()
        if now - self.start < self.delay and not self.drawn:
            return
        if done < 1.0 and now - self.last < 0.1:
            return
        self.last = now
        share = min(1.0, max(0.0, done))
        filled = int(30 * share)
        label = _("counting")
        text = f"{label} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%}"
        self.width = max(self.width, len(text))
        self.stream.write("\r" + text)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * max(50, self.width) + "\r")
            self.stream.flush()


# ----------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    with language(requested_language(argv)):
        return _main(argv)


def _print_pabulib_error(path: str, exc: PabulibError) -> None:
    message = _(exc.template) % exc.params
    where = f"{path}:{exc.line}" if exc.line else path
    print(f"error: {where}: {message}", file=sys.stderr)


def _main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    from_stdin = args.file == "-"
    if from_stdin:
        args.file = "<stdin>"  # how errors name it
    try:
        # bytes, so that a file that is not UTF-8 is reported as such, with its line
        election = read_pb(sys.stdin.buffer.read() if from_stdin else args.file)
    except PabulibError as exc:
        _print_pabulib_error(args.file, exc)
        return 2
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    rule = args.rule
    completion = args.completion
    if rule is None:
        meta_rule = election.meta.get("rule", "").strip().lower()
        if meta_rule not in META_RULES:
            words = _(
                "its META rule %(rule)s is not one we count; choose --rule from %(rules)s"
            ) % {"rule": repr(meta_rule or _("(none)")), "rules": ", ".join(RULES)}
            print(f"error: {args.file}: {words}", file=sys.stderr)
            return 2
        rule = META_RULES[meta_rule]
        if completion is None:
            completion = META_COMPLETIONS.get(meta_rule, "none")
    completion = completion or "none"
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        outcome = tally(election, rule, completion=completion, ties=args.ties, progress=bar)
    except PabulibError as exc:  # a value the reader left to the rule (no line: 0)
        _print_pabulib_error(args.file, exc)
        return 2
    except ValueError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:  # the MES module missing from an install
        words = _("rule %(rule)s is not available (%(error)s)") % {"rule": rule, "error": exc}
        print(f"error: {words}", file=sys.stderr)
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
            with english():  # for programs: the same sentences whatever the language
                payload["explain"] = {p.id: explain(outcome, p) for p in outcome.projects}
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(_text(election, outcome, args.explain))
    return 0
