"""`mopstui why SOURCE CAMPAIGN_ID`: why a campaign or flow won't send, headless.

Every check on one line (✓ / ✖ / ?), failing ones first, then the audience; exit 0 when nothing
blocks it, 1 when something does, 2 for a config or lookup error (one line on stderr). Read-only:
it fixes nothing (the cockpit's `w` offers the fixes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from mopstui import runtime
from mopstui.cli import add_common, load_config_or_report
from mopstui.core import why
from mopstui.core.diagnosis import Diagnosis
from mopstui.core.errors import MopstuiError
from mopstui.core.safe_text import json_escaped, visible

ERROR = 2


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "why",
        help="why won't it send? every check of one campaign or flow (exit 0 nothing blocks it, 1 blocked)",
        description="Diagnose one Marketo campaign or HubSpot flow: is it on, are its emails and program "
        "approved, do limits stop it, how many people it reaches. Exit 0 when nothing blocks it, 1 otherwise.",
    )
    add_common(parser)
    parser.add_argument("source", metavar="SOURCE", help="the source's name in the config ([sources.NAME])")
    parser.add_argument("campaign_id", metavar="CAMPAIGN_ID", help="the campaign's (or flow's) id")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    config = load_config_or_report(args)
    if config is None:
        return ERROR
    try:
        diagnosis = asyncio.run(_diagnose(config, args.source, args.campaign_id, config.audience_guard_percent))
    except MopstuiError as exc:
        print(f"mopstui: why: {visible(str(exc))}", file=sys.stderr)
        return ERROR
    except KeyboardInterrupt:
        print("mopstui: why interrupted", file=sys.stderr)
        return ERROR
    if args.format == "json":
        print(json_escaped(json.dumps(diagnosis.to_json(), ensure_ascii=False, indent=2)))
    else:
        print(render_text(diagnosis))
    return 1 if diagnosis.blocked else 0


async def _diagnose(config, source: str, target: str, guard: float) -> Diagnosis:  # type: ignore[no-untyped-def]
    # a diagnosis never acts: read-only keeps it honest
    cockpit = await runtime.build_cockpit_async(config, read_only=True)
    try:
        return await why.full_diagnosis(cockpit, source, target, guard)
    finally:
        await cockpit.aclose()


def render_text(diagnosis: Diagnosis) -> str:
    """The diagnosis as a person reads it; every platform text made visible."""
    verdict = "blocked" if diagnosis.blocked else "nothing blocks it"
    lines = [visible(f"{diagnosis.name} ({diagnosis.kind} {diagnosis.workflow_id} on {diagnosis.source}): {verdict}")]
    for check in diagnosis.ordered:
        fix = f"  [fix: {check.fix.label}]" if check.fix is not None and check.state == "fail" else ""
        lines.append(visible(f"  {check.mark} {check.sentence}{fix}"))
    if diagnosis.url:
        lines.append(visible(f"  {diagnosis.url}"))
    lines.append(f"  ({diagnosis.calls} API calls)")
    return "\n".join(lines)
