"""`mopstui config check` (validate; sources; credential status; exit 2 on any error) and
`mopstui config path` (where the config is looked for).

This module is the `config` command; the config file format itself lives in `mopstui.config`.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from mopstui import paths
from mopstui.cli import add_common, common
from mopstui.config import config_exists, load_config
from mopstui.core.errors import ConfigError
from mopstui.credentials import status as credential_status


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("config", help="check the config file, or print where it is looked for")
    add_common(parser)
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate the config and the secrets it needs; exit 2 on any error")
    add_common(check)
    where = actions.add_parser("path", help="print the config file's path")
    add_common(where)


def run(args: argparse.Namespace) -> int:
    return _check(args) if args.config_command == "check" else _path(args)


def _origin(args: argparse.Namespace) -> str:
    if getattr(args, "config", None):
        return "from --config"
    if os.environ.get("MOPSTUI_CONFIG"):
        return "from $MOPSTUI_CONFIG"
    return "the default"


def _path(args: argparse.Namespace) -> int:
    config_arg, _, _ = common(args)
    path = paths.config_path(config_arg)
    print(path)
    try:
        found = config_exists(path)
    except ConfigError as exc:
        print(f"mopstui: config error: {exc}", file=sys.stderr)
        return 2
    if not found:
        print(f"note: no file there yet ({_origin(args)}); run `mopstui init` to create it", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    config_arg, _, _ = common(args)
    path = paths.config_path(config_arg)
    print(f"config: {path} ({_origin(args)})")
    try:
        if not config_exists(path):
            print(
                f"mopstui: config error: {path}: file: not found; `mopstui` would open the demo workspace; "
                "run `mopstui init` to connect your platforms",
                file=sys.stderr,
            )
            return 2
        config = load_config(path)
    except ConfigError as exc:
        print(f"mopstui: config error: {exc}", file=sys.stderr)
        return 2
    print(f"sources: {len(config.sources)}")
    width = max(len(s.name) for s in config.sources)
    for sc in config.sources:
        flags = " (read-only)" if sc.read_only or config.read_only else ""
        print(f"  {sc.name.ljust(width)}  {sc.kind}{flags}")
    rows = credential_status.credential_rows(config)
    if rows:
        print("credentials:")
        for line in credential_status.table(rows):
            print(f"  {line}")
    for line in credential_status.warnings(rows):
        print(line, file=sys.stderr)
    missing = [r for r in rows if not r.found]
    for r in missing:
        print(f"mopstui: {r.detail}", file=sys.stderr)
    if missing:
        return 2
    print("ok")
    return 0
