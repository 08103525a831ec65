"""``pnyx opinion-map DIR [--json]``: groups, representative and consensus statements of a
conversation in the Pol.is export format (see ``pnyx.methods.polis_format``)."""

from __future__ import annotations

import argparse
import json
import sys

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


def _as_text(conversation: PolisConversation, opinion_map: OpinionMap) -> str:
    texts = {s.id: " ".join(s.text.split()) for s in conversation.statements}
    lines = [
        f"{len(opinion_map.participants)} participants voted, {len(opinion_map.in_conv)} "
        f"in the analysis, {opinion_map.k} group(s)."
    ]
    sizes = opinion_map.group_sizes()
    for group in opinion_map.group_clusters:
        lines.append("")
        lines.append(
            f"Group {group.id} ({sizes[group.id]} participants): representative statements"
        )
        for r in opinion_map.repness.get(group.id, ()):
            lines.append(
                f"  [{r.statement}] {r.repful_for} {_share(r.n_success, r.n_trials)} of the group "
                f"({r.n_success}/{r.n_trials}): {texts.get(r.statement, '')}"
            )
    for direction, picked in (
        ("agree", opinion_map.consensus.agree),
        ("disagree", opinion_map.consensus.disagree),
    ):
        lines.append("")
        lines.append(f"Consensus ({direction}):")
        if not picked:
            lines.append("  (none)")
        for c in picked:
            lines.append(
                f"  [{c.statement}] {direction} {_share(c.n_success, c.n_trials)} "
                f"({c.n_success}/{c.n_trials}): {texts.get(c.statement, '')}"
            )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="pnyx opinion-map",
        description="Groups, representative and consensus statements of a Pol.is export folder.",
    )
    parser.add_argument("folder", metavar="DIR", help="folder with comments.csv and votes.csv")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    try:
        conversation = read_polis_export(args.folder)
        opinion_map = compute_opinion_map(conversation.matrix, conversation.moderated_out)
    except PolisFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OpinionError, OSError) as error:
        print(f"error: {args.folder}:0: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_as_json(opinion_map), ensure_ascii=False))
    else:
        print(_as_text(conversation, opinion_map))
    return 0
