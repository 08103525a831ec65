"""``pnyx opinion-map DIR [--json]``: groups, representative and consensus statements of a
conversation in the Pol.is export format (see ``pnyx.methods.polis_format``).

What a person reads is translated (``--language``, else the environment's language, else
English; see :mod:`pnyx.commands.i18n`), the error message of a malformed export included
(``error: FILE:ROW: message``, the template of :class:`~pnyx.methods.polis_format.PolisFormatError`
translated, its values as in the file); the statements' texts (what participants wrote) and the
``--json`` output stay as they are.
"""

from __future__ import annotations

import argparse
import json
import sys

from pnyx.commands.i18n import add_language_argument, language, ngettext, requested_language
from pnyx.commands.i18n import gettext as _
from pnyx.methods.opinion import OpinionError, OpinionMap, compute_opinion_map
from pnyx.methods.polis_format import PolisConversation, PolisFormatError, read_polis_export


def _share(successes: int, trials: int) -> str:
    return f"{round(100 * successes / trials)} %" if trials else "-"


def _as_json(opinion_map: OpinionMap) -> dict[str, object]:
    return {
        "k": opinion_map.k,
        "groups": {str(p): g for p, g in sorted(opinion_map.groups.items())},
        "repness": {
            str(g): [r.statement for r in reps] for g, reps in sorted(opinion_map.repness.items())
        },
        "consensus": {
            "agree": [c.statement for c in opinion_map.consensus.agree],
            "disagree": [c.statement for c in opinion_map.consensus.disagree],
        },
    }


def _representative(direction: str, share: str, count: int, total: int) -> str:
    values = {"share": share, "count": count, "total": total}
    if direction == "agree":
        return _("agree %(share)s of the group (%(count)s/%(total)s):") % values
    return _("disagree %(share)s of the group (%(count)s/%(total)s):") % values


def _consensus(direction: str, share: str, count: int, total: int) -> str:
    values = {"share": share, "count": count, "total": total}
    if direction == "agree":
        return _("agree %(share)s (%(count)s/%(total)s):") % values
    return _("disagree %(share)s (%(count)s/%(total)s):") % values


def _as_text(conversation: PolisConversation, opinion_map: OpinionMap) -> str:
    texts = {s.id: " ".join(s.text.split()) for s in conversation.statements}
    voted = len(opinion_map.participants)
    # the English plural keeps the text printed before translation ("2 group(s).")
    groups = ngettext("%(k)s group", "%(k)s group(s)", opinion_map.k) % {"k": opinion_map.k}
    lines = [
        ngettext(
            "%(voted)s participant voted, %(analysed)s in the analysis, %(groups)s.",
            "%(voted)s participants voted, %(analysed)s in the analysis, %(groups)s.",
            voted,
        )
        % {"voted": voted, "analysed": len(opinion_map.in_conv), "groups": groups}
    ]
    sizes = opinion_map.group_sizes()
    for group in opinion_map.group_clusters:
        lines.append("")
        lines.append(
            ngettext(
                "Group %(group)s (%(n)s participant): representative statements",
                "Group %(group)s (%(n)s participants): representative statements",
                sizes[group.id],
            )
            % {"group": group.id, "n": sizes[group.id]}
        )
        for r in opinion_map.repness.get(group.id, ()):
            words = _representative(
                r.repful_for, _share(r.n_success, r.n_trials), r.n_success, r.n_trials
            )
            lines.append(f"  [{r.statement}] {words} {texts.get(r.statement, '')}")
    for direction, heading, picked in (
        ("agree", _("Consensus (agree):"), opinion_map.consensus.agree),
        ("disagree", _("Consensus (disagree):"), opinion_map.consensus.disagree),
    ):
        lines.append("")
        lines.append(heading)
        if not picked:
            lines.append("  " + _("(none)"))
        for c in picked:
            words = _consensus(direction, _share(c.n_success, c.n_trials), c.n_success, c.n_trials)
            lines.append(f"  [{c.statement}] {words} {texts.get(c.statement, '')}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pnyx opinion-map",
        description=_("Groups, representative and consensus statements of a Pol.is export folder."),
    )
    parser.add_argument("folder", metavar="DIR", help=_("folder with comments.csv and votes.csv"))
    parser.add_argument("--json", action="store_true", help=_("print JSON instead of text"))
    add_language_argument(parser)
    return parser


def main(argv: list[str]) -> int:
    with language(requested_language(argv)):
        return _main(argv)


def _print_polis_format_error(error: PolisFormatError) -> None:
    """``error: FILE:ROW: message``, the message in the reader's language."""
    message = _(error.template) % error.params
    print(f"error: {error.file}:{error.row}: {message}", file=sys.stderr)


def _main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        conversation = read_polis_export(args.folder)
        opinion_map = compute_opinion_map(conversation.matrix, conversation.moderated_out)
    except PolisFormatError as error:
        _print_polis_format_error(error)
        return 2
    except (OpinionError, OSError) as error:
        print(f"error: {args.folder}:0: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_as_json(opinion_map), ensure_ascii=False))
    else:
        print(_as_text(conversation, opinion_map))
    return 0
