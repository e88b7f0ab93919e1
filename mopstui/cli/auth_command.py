"""`mopstui auth set|status|delete`: store, inspect and remove secrets. Never prints a value.

`set` prompts without echo on a terminal and reads one line of standard input when piped, so
`printf '%s\n' "$TOKEN" | mopstui auth set jira api_token` works in scripts.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mopstui import credentials, paths
from mopstui.cli import add_common, common
from mopstui.config import Config, load_config
from mopstui.core.errors import ConfigError, CredentialError
from mopstui.credentials import status as credential_status
from mopstui.credentials.entry import read_secret


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("auth", help="store, list and delete the secrets sources need")
    add_common(parser)
    actions = parser.add_subparsers(dest="auth_command", metavar="ACTION", required=True)

    set_p = actions.add_parser("set", help="store a secret in the OS keyring (or the 0600 file)")
    add_common(set_p)
    set_p.add_argument("source", metavar="SOURCE", help="the source's name, e.g. marketo-prod (or notify)")
    set_p.add_argument("field", metavar="FIELD", help="the secret field, e.g. client_secret (or slack_webhook)")
    set_p.add_argument(
        "--insecure-storage",
        action="store_true",
        help="keep it in a plain-text credentials.toml (mode 0600) for boxes with no keyring",
    )

    status_p = actions.add_parser("status", help="where each secret resolves from (never the value)")
    add_common(status_p)

    delete_p = actions.add_parser("delete", help="remove a secret from the keyring and the file")
    add_common(delete_p)
    delete_p.add_argument("source", metavar="SOURCE")
    delete_p.add_argument("field", metavar="FIELD")


def run(args: argparse.Namespace) -> int:
    action = {"set": _set, "status": _status, "delete": _delete}[args.auth_command]
    return action(args)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _load(args: argparse.Namespace) -> Config:
    config_arg, demo, _ = common(args)
    return load_config(paths.config_path(config_arg), demo=demo, given_by=paths.config_origin(config_arg))


def _expected_fields(args: argparse.Namespace, source: str) -> tuple[str, ...] | None:
    """The secret fields the config's source declares; None if the config or source is unknown."""
    if source == credentials.NOTIFY_SOURCE:
        return (credentials.NOTIFY_FIELD,)
    try:
        return _load(args).source(source).cls.secret_fields
    except (ConfigError, KeyError):
        return None


def _set(args: argparse.Namespace) -> int:
    source, field = args.source, args.field
    expected = _expected_fields(args, source)
    if expected is None:
        _err(f"note: no source named '{source}' in the config; storing {field} anyway")
    elif field not in expected:
        wanted = ", ".join(expected) or "no secrets"
        _err(f"note: source '{source}' uses {wanted}, not {field}; storing it anyway")
    try:
        value = read_secret(f"{field} for source '{source}' (input hidden): ")
    except (EOFError, KeyboardInterrupt):
        _err("mopstui auth set: no value given; nothing stored")
        return 1
    try:
        outcome = credentials.save(source, field, value, insecure=args.insecure_storage)
    except CredentialError as exc:
        _err(f"mopstui auth set: {exc}")
        return 1
    for line in outcome.done:
        print(line)
    for line in outcome.warnings:
        _err(line)
    return 0


def _status(args: argparse.Namespace) -> int:
    try:
        config = _load(args)
    except ConfigError as exc:
        _err(f"mopstui: config error: {exc}")
        return 2
    rows = credential_status.credential_rows(config)
    if rows:
        for line in credential_status.table(rows):
            print(line)
    else:
        names = ", ".join(s.name for s in config.sources)
        print(f"no secrets needed: the configured sources ({names}) take none")
    for line in credential_status.warnings(rows):
        _err(line)
    return 0


def _delete(args: argparse.Namespace) -> int:
    outcome = credentials.delete(args.source, args.field)
    for line in outcome.done:
        print(line)
    for line in outcome.warnings:
        _err(line)
    return 0
