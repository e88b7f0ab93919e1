"""Command line: `mopstui` opens the cockpit; subcommands run headless. Thin by design."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from mopstui import __version__, paths
from mopstui.config import Config, load_config
from mopstui.core.errors import ConfigError
from mopstui.runtime import warm_secrets

#: Subcommands, each a module `mopstui.cli.<name>_command` with `add_parser(subparsers)` and `run(args) -> int`.
COMMANDS: list[str] = ["check", "log", "auth", "init", "config", "screenshot", "why"]

#: One line per subcommand for `mopstui --help`, so listing them imports none of them.
COMMAND_HELP: dict[str, str] = {
    "check": "run every source once and report (text, markdown, json); exit 0/1/2/3 for cron",
    "log": "print the action audit log, newest first",
    "auth": "set, delete or show where each secret comes from",
    "init": "guided set-up: write config.toml and store secrets",
    "config": "validate the config (check) or print where it is looked for (path)",
    "screenshot": "write SVG screenshots of the cockpit into screenshots/",
    "why": "why won't it send? every check of one campaign or flow; exit 0 nothing blocks it, 1 blocked",
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser. Only the subcommand named in `argv` is imported (start-up stays light);
    the others get a one-line placeholder so `--help` still lists them."""
    parser = argparse.ArgumentParser(
        prog="mopstui",
        description="A terminal cockpit for Marketing Operations: failing workflows, the request queue, data quality.",
    )
    add_common(parser)
    parser.add_argument("--version", action="version", version=f"mopstui {__version__}")
    parser.add_argument("--theme", metavar="NAME", help="colour theme for this run")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = _named_command(argv)
    for name in COMMANDS:
        if wanted is None or name == wanted:
            module = importlib.import_module(f"mopstui.cli.{name}_command")
            module.add_parser(sub)
        else:
            sub.add_parser(name, help=COMMAND_HELP.get(name, ""))
    return parser


def _named_command(argv: Sequence[str] | None) -> str | None:
    """The subcommand in argv, '' for none (the cockpit), None when unsure (--help: load them all)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in args[:1]) and len(args) == 1:
        return None
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
            continue
        if arg in ("--config", "--theme"):
            skip_next = True
            continue
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return ""


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options shared by the cockpit and every subcommand (usable before or after the command)."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="config file (default: $MOPSTUI_CONFIG, else config.toml in the user config dir)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="use the built-in demo workspace, whatever the config says",
    )
    parser.add_argument(
        "--read-only", action="store_true", default=argparse.SUPPRESS, help="refuse every action (look, don't touch)"
    )
    parser.add_argument(
        "--next-day",
        action="store_true",
        default=argparse.SUPPRESS,
        help="with --demo: start the demo's next day now (a night planted, for rehearsals)",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        default=argparse.SUPPRESS,
        help="with --demo: forget what was done in the demo and start from its first morning",
    )


def common(args: argparse.Namespace) -> tuple[str | None, bool, bool]:
    return getattr(args, "config", None), getattr(args, "demo", False), getattr(args, "read_only", False)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    if args.command:
        module = importlib.import_module(f"mopstui.cli.{args.command}_command")
        return int(module.run(args) or 0)
    return run_cockpit(args)


def load_config_or_report(args: argparse.Namespace) -> Config | None:
    """The config these args name (`--config`, `--demo`), or None once its one-line error is printed."""
    config_arg, demo, _ = common(args)
    try:
        config = load_config(paths.config_path(config_arg), demo=demo, given_by=paths.config_origin(config_arg))
    except ConfigError as exc:
        print(f"mopstui: config error: {exc}", file=sys.stderr)
        return None
    return config if turn_demo_days(args, config) else None


def turn_demo_days(args: argparse.Namespace, config: Config) -> bool:
    """`--reset` then `--next-day` on every demo source's kept state; False once a one-line error is printed."""
    reset, next_day = getattr(args, "reset", False), getattr(args, "next_day", False)
    if not (reset or next_day):
        return True
    flags = " and ".join(f for f, on in (("--reset", reset), ("--next-day", next_day)) if on)
    names = [sc.name for sc in config.sources if sc.kind == "demo"]
    if not names:
        print(f"mopstui: {flags}: no demo source in the config (add --demo)", file=sys.stderr)
        return False
    from mopstui.adapters.demo import days

    for name in names:
        path = days.diary_path(paths.state_dir(), name)
        try:
            if reset:
                days.forget(path)
            if next_day:
                days.ask_next_day(path)
        except OSError as exc:
            print(f"mopstui: {flags}: cannot write {path} ({exc.strerror or exc})", file=sys.stderr)
            return False
    return True


def run_cockpit(args: argparse.Namespace) -> int:
    config = load_config_or_report(args)
    if config is None:
        return 2
    _, _, read_only = common(args)
    # Keyring lookups (which may wait for a locked keyring) happen here, before the event loop.
    warm_secrets(config)
    from mopstui.tui.app import MopsApp  # Textual stays off the headless commands' path

    app = MopsApp(config, read_only=read_only, theme=args.theme)
    app.run()
    if app.stopped_by is not None:
        running = app.stopped_actions
        note = f"; {running} action{'s' if running != 1 else ''} still running, see `mopstui log`" if running else ""
        _tell(f"mopstui: stopped by {app.stopped_by.name}{note}")
    return app.return_code or 0


def _tell(line: str) -> None:
    """One line on stderr, unless the terminal is gone (SIGHUP of a dropped SSH session)."""
    try:
        print(line, file=sys.stderr, flush=True)
    except OSError:
        pass
