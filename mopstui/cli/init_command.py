"""`mopstui init`: connect your platforms with plain prompts, or non-interactively with flags.

Interactive (works over SSH): which platforms, each one's settings from its kind's Options
(Enter keeps the default), then its secrets through the same path as `mopstui auth set`.

Scripted: `mopstui init --non-interactive --source marketo-prod:marketo --set marketo-prod.base_url=...`
(`--set KEY=VALUE` alone when there is one source). Secrets are never flags: they come from the
environment or a later `printf '%s\n' "$X" | mopstui auth set SOURCE FIELD`; the run lists what is missing.

Never overwrites config.toml silently: interactively it asks (add / replace / quit); scripted it
needs `--add` or `--force`. Either way the old file is kept as a backup. Ends by testing each source.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mopstui import credentials, paths
from mopstui.cli import add_common, common
from mopstui.config import config_exists, load_config
from mopstui.core.errors import ConfigError
from mopstui.wizard import configfile, connection, plan, secrets_step
from mopstui.wizard.interactive import ask_kinds, ask_settings, ask_source
from mopstui.wizard.prompts import Aborted, Prompter


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "init",
        help="connect your platforms: write config.toml, store secrets, test each connection",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="example: mopstui init --non-interactive --source jira:jira "
        "--set jira.base_url=https://acme.atlassian.net --set jira.email=ops@acme.example",
    )
    add_common(parser)
    parser.add_argument("--non-interactive", action="store_true", help="ask nothing; take everything from flags")
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME:KIND",
        help="a source to add (repeatable); just KIND names it after its kind",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME.KEY=VALUE",
        dest="settings",
        help="a setting of a --source (repeatable); KEY=VALUE when there is one source",
    )
    parser.add_argument("--add", action="store_true", help="add the sources to an existing config (backup kept)")
    parser.add_argument("--force", action="store_true", help="replace an existing config (backup kept)")
    parser.add_argument(
        "--insecure-storage",
        action="store_true",
        help="keep secrets in a plain-text 0600 credentials.toml instead of the OS keyring",
    )
    parser.add_argument("--no-check", action="store_true", help="skip the connection tests at the end")


def run(args: argparse.Namespace) -> int:
    p = Prompter()
    config_arg, _demo, _read_only = common(args)
    path = paths.config_path(config_arg)
    try:
        return _run(p, args, path)
    except Aborted:
        p.warn("\nmopstui init: stopped; nothing more was written")
        return 1
    except plan.PlanError as exc:
        p.warn(f"mopstui init: {exc}")
        return 2
    except ConfigError as exc:
        p.warn(f"mopstui init: config error: {exc}")
        return 2


def _run(p: Prompter, args: argparse.Namespace, path: Path) -> int:
    interactive = not args.non_interactive
    if args.add and args.force:
        raise plan.PlanError("--add and --force: choose one")
    if not interactive and not args.source:
        raise plan.PlanError("--non-interactive needs at least one --source NAME:KIND")
    if interactive:
        p.say("mopstui init: connect your platforms. Press Enter to accept a [default]; Ctrl+C quits.")
        p.say(f"Config file: {path}")

    mode = _existing_mode(p, args, path, interactive)
    if mode == "quit":
        p.say("Nothing written.")
        return 1
    existing = configfile.read_existing(path) if mode == "add" else {}
    taken = set(existing.get("sources", {}) or {})

    planned = plan.from_flags(args.source, args.settings, taken)
    if interactive and planned:
        for source in planned:
            p.say()
            ask_settings(p, source, path)
    elif interactive:
        names = set(taken)
        for kind in ask_kinds(p):
            planned.append(ask_source(p, kind, names, path))
            names.add(planned[-1].name)
    else:
        for source in planned:
            missing = source.missing_required()
            if missing:
                raise plan.PlanError(
                    f"source {source.name!r} ({source.kind}) needs --set {source.name}.{missing[0]}=VALUE"
                )
            plan.validate_source(source, path)

    data = plan.merged(existing, planned)
    configfile.validate(data, path)
    kept = configfile.write(path, data)
    p.say()
    p.say(f"Wrote {path}")
    if kept:
        p.say(f"The previous file is kept as {kept}")

    wanted = [(s.name, f) for s in planned for f in s.cls.secret_fields]
    session = secrets_step.SecretsSession(p, insecure=args.insecure_storage)
    if wanted:
        p.say()
        p.say("Secrets (never written to config.toml):")
        if interactive:
            session.ask(wanted)
        else:
            secrets_step.report_only(p, wanted)
    if interactive and p.yes_no("Post new problems to a Slack channel from `mopstui check --notify`?", False):
        session.ask([(credentials.NOTIFY_SOURCE, credentials.NOTIFY_FIELD)])

    if args.no_check:
        return 0
    return _check(p, path)


def _existing_mode(p: Prompter, args: argparse.Namespace, path: Path, interactive: bool) -> str:
    """ "new", "add", "replace" or "quit"; never replaces a file the user did not agree to replace."""
    if not config_exists(path):
        return "new"
    if args.add:
        return "add"
    if args.force:
        return "replace"
    if not interactive:
        raise plan.PlanError(
            f"{path} exists: pass --add to add sources to it, or --force to replace it (a backup is kept)"
        )
    p.say(f"A config already exists at {path}.")
    answer = p.choose(
        "Add the new sources to it, replace it (a backup is kept), or quit? [add/replace/quit]",
        ["add", "replace", "quit"],
        "quit",
    )
    return answer


def _check(p: Prompter, path: Path) -> int:
    p.say()
    p.say("Testing each source's connection...")
    config = load_config(path)
    results = connection.run_checks(config)
    for line in connection.lines(results):
        p.say(line)
    failed = [r.source for r in results if not r.ok]
    if failed:
        p.say(f"{len(results) - len(failed)}/{len(results)} sources work; fix the rest and run `mopstui config check`.")
        return 1
    p.say(f"All {len(results)} sources work. Run `mopstui` to open the cockpit.")
    return 0
