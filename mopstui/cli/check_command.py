"""`mopstui check`: run every source once, print a report, exit 0/1/2/3 (OK/WARNING/CRITICAL/UNKNOWN).

Made for cron and monitoring systems. Each check records a snapshot in the state store, so the
next one can say what is new, what was resolved and how the counts moved. `--notify` posts a
summary to Slack when something is new or worse.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import UTC, datetime

from mopstui import credentials, runtime
from mopstui.cli import add_common, common, load_config_or_report
from mopstui.core.errors import MopstuiError
from mopstui.core.memory import Memory
from mopstui.core.redact import redact
from mopstui.core.safe_text import json_escaped, visible
from mopstui.core.store import StoreError, open_default
from mopstui.report import Report, render_markdown, render_text, to_json

UNKNOWN = 3


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "check",
        help="run every source once and report (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)",
        description="Run every configured source once, concurrently, and print a report. "
        "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
    )
    add_common(parser)
    parser.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="report format (default: text)"
    )
    parser.add_argument(
        "--notify",
        action="store_true",
        help="post a summary to Slack ($MOPSTUI_NOTIFY_SLACK_WEBHOOK) when something is new or worse",
    )
    parser.add_argument(
        "--notify-always", action="store_true", help="with --notify, post even when nothing is new or worse"
    )


def _emit(text: str) -> None:
    """Print the report; a closed pipe (`| head`) must not lose the exit status or the snapshot."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _warn(message: str) -> None:
    print(f"mopstui: warning: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    config = load_config_or_report(args)
    if config is None:
        return UNKNOWN
    _, _, read_only = common(args)
    try:
        return asyncio.run(_check(config, args, read_only))
    except KeyboardInterrupt:
        print("mopstui: check interrupted", file=sys.stderr)
        return UNKNOWN


async def _check(config, args: argparse.Namespace, read_only: bool) -> int:  # type: ignore[no-untyped-def]
    memory: Memory | None = None
    try:
        store = open_default()
        if store.warning:
            _warn(store.warning)
        memory = Memory(store, audit=runtime.audit_log())
    except StoreError as exc:
        _warn(f"{exc}; checking without memory of earlier checks")
    # a check never acts on anything; read-only also keeps it honest if that ever changes
    cockpit = await runtime.build_cockpit_async(config, read_only=True, memory=memory)
    try:
        results = await cockpit.refresh()
    finally:
        await cockpit.aclose()
    resolved = memory.since_last_check().resolved if memory is not None else []
    report = Report(datetime.now(UTC).astimezone(), results, resolved, demo=config.is_demo)
    if memory is not None:
        for line in (memory.store.unreadable, memory.error):
            if line:
                _warn(line)

    if args.format == "json":
        _emit(json_escaped(json.dumps(to_json(report), ensure_ascii=False, indent=2)))
    elif args.format == "markdown":
        _emit(render_markdown(report))
    else:
        _emit(render_text(report))

    previous = None
    if memory is not None:
        try:
            previous = memory.previous_check_status()
            memory.remember_check_status(report.status)
        except Exception as exc:  # the store went away mid-check: the report still stands
            _warn(f"state store: {exc}")
    if args.notify and report.demo:
        print(
            "mopstui: notify: not posting: this is the demo workspace, not your platforms "
            "(give --config PATH or run `mopstui init`)",
            file=sys.stderr,
        )
    elif args.notify:
        _notify(report, config.notify, previous, always=args.notify_always)
    return report.exit_code


def _notify(report, settings: dict, previous: str | None, *, always: bool) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Post to Slack when due; any failure is one line on stderr and leaves the exit status alone."""
    from mopstui import notify  # httpx: only when a summary is posted

    only_on_change = settings.get("only_on_change", True) and not always
    if only_on_change and not notify.worse_or_new(report, previous):
        return
    try:
        url = credentials.resolve("notify", "slack_webhook")
    except MopstuiError:
        print(
            "mopstui: notify: no Slack webhook: set MOPSTUI_NOTIFY_SLACK_WEBHOOK to the incoming webhook URL",
            file=sys.stderr,
        )
        return
    try:
        notify.post_slack(url, notify.slack_payload(report, settings.get("max_items", notify.DEFAULT_MAX_ITEMS)))
    except MopstuiError as exc:
        print(f"mopstui: notify: Slack post failed: {visible(redact(str(exc)))}", file=sys.stderr)
    except Exception as exc:  # never let a notification turn a report into a traceback
        print(f"mopstui: notify: Slack post failed: {type(exc).__name__}: {visible(redact(str(exc)))}", file=sys.stderr)
