"""Command line: `mopstui` opens the cockpit; subcommands run headless. Thin by design."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from mopstui import __version__

#: Subcommands, each a module in mopstui.commands with `add_parser(subparsers)` and `run(args) -> int`.
COMMANDS: list[str] = ["check", "log", "auth", "init", "config"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mopstui",
        description="A terminal cockpit for Marketing Operations: failing workflows, the request queue, data quality.",
    )
    add_common(parser)
    parser.add_argument("--version", action="version", version=f"mopstui {__version__}")
    parser.add_argument("--theme", metavar="NAME", help="colour theme for this run")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"mopstui.commands.{name}")
        module.add_parser(sub)
    return parser


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options shared by the cockpit and every subcommand (usable before or after the command)."""
    parser.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="config file (default: $MOPSTUI_CONFIG, else config.toml in the user config dir)")
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help="use the built-in demo workspace, whatever the config says")
    parser.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS,
                        help="refuse every action (look, don't touch)")


def common(args: argparse.Namespace) -> tuple[str | None, bool, bool]:
    return getattr(args, "config", None), getattr(args, "demo", False), getattr(args, "read_only", False)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command:
        module = importlib.import_module(f"mopstui.commands.{args.command}")
        return int(module.run(args) or 0)
    return run_cockpit(args)


def run_cockpit(args: argparse.Namespace) -> int:
    from mopstui import paths
    from mopstui.config import load_config
    from mopstui.core.errors import ConfigError

    config_arg, demo, read_only = common(args)
    try:
        config = load_config(paths.config_path(config_arg), demo=demo)
    except ConfigError as exc:
        print(f"mopstui: config error: {exc}", file=sys.stderr)
        return 2
    from mopstui.runtime import warm_secrets

    # Keyring lookups (which may wait for a locked keyring) happen here, before the event loop.
    warm_secrets(config)
    from mopstui.tui.app import MopsApp

    app = MopsApp(config, read_only=read_only, theme=args.theme)
    app.run()
    return app.return_code or 0
