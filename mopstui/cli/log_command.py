"""`mopstui log`: the action audit log, newest first (`--limit N`, `--json`)."""

from __future__ import annotations

import argparse
import json
import sys

from mopstui import runtime
from mopstui.cli import add_common
from mopstui.core.safe_text import json_escaped, visible


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {number}")
    return number


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "log",
        help="show the action audit log, newest first",
        description="Show every action attempted from mopstui and its outcome, newest first.",
    )
    add_common(parser)
    parser.add_argument("--limit", type=_positive, default=50, metavar="N", help="show at most N entries (default: 50)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line, as stored")


def run(args: argparse.Namespace) -> int:
    log = runtime.audit_log()
    try:
        lines = list(reversed(log.lines()))[: args.limit]
    except OSError as exc:
        print(f"mopstui: audit log {log.path}: cannot be read ({exc.strerror or exc})", file=sys.stderr)
        return 1
    if args.json:
        for number, entry in lines:
            if entry is None:  # stdout stays one stored entry per line
                print(f"mopstui: audit log {log.path}: line {number}: unreadable entry", file=sys.stderr)
            else:
                print(json_escaped(json.dumps(entry, ensure_ascii=False)))
        return 0
    if not lines:
        print(f"No actions recorded yet ({log.path}).")
        return 0
    for number, e in lines:
        if e is None:
            print(f"line {number}: unreadable entry")
            continue
        message = f" - {_field(e, 'message')}" if e.get("message") else ""
        print(
            f"{_field(e, 'time')}  {_field(e, 'user')}  {_field(e, 'outcome'):<14} "
            f"{_field(e, 'source')}: {_field(e, 'action')} {_field(e, 'target')}{message}"
        )
    return 0


def _field(entry: dict[str, object], key: str) -> str:
    """One field as text: an entry written by hand or another tool may hold any JSON value there."""
    return visible(str(entry.get(key, "?")))  # platform text: no terminal controls, one line
