"""The questions `mopstui init` asks: which platforms, their settings, then their secrets."""

from __future__ import annotations

from pathlib import Path

from mopstui.core.errors import ConfigError
from mopstui.wizard.fields import Setting, format_value, parse_value
from mopstui.wizard.plan import (
    PlanError,
    PlannedSource,
    available_kinds,
    check_value,
    free_name,
    new_source,
    validate_source,
)
from mopstui.wizard.prompts import Prompter


def ask_kinds(p: Prompter) -> list[str]:
    """Which platforms to connect; a kind may be listed twice (say, Marketo prod and sandbox)."""
    kinds = available_kinds()
    while True:
        answer = p.ask(f"Which platforms do you want to connect? Comma-separated, from: {', '.join(kinds)}", "demo")
        wanted = [k.strip() for k in answer.split(",") if k.strip()]
        unknown = [k for k in wanted if k not in kinds]
        if wanted and not unknown:
            return wanted
        p.say(f"  unknown: {', '.join(unknown) or '(none given)'}; expected some of: {', '.join(kinds)}")


def ask_source(p: Prompter, kind: str, taken: set[str], path: Path) -> PlannedSource:
    """A name for one source of `kind`, then its settings."""
    p.say()
    while True:
        name = p.ask(f"Name for this {kind} source (used in commands, e.g. {kind}-prod)", free_name(kind, taken))
        try:
            source = new_source(name, kind, taken)
        except PlanError as exc:
            p.say(f"  {exc}")
            continue
        ask_settings(p, source, path)
        return source


def ask_settings(p: Prompter, source: PlannedSource, path: Path, *, ask_given: bool = False) -> None:
    """Prompt for each setting of the kind (Enter keeps the default), then validate the source as
    the config loader will; on a problem, say which key and ask again."""
    p.say(f"Settings for {source.name} ({source.kind}); press Enter to keep the value in [brackets].")
    given = set(source.values)
    while True:
        for setting in source.settings():
            if setting.name in given and not ask_given:
                continue
            source.values[setting.name] = _ask_one(p, setting, source, path)
        try:
            validate_source(source, path)
            return
        except ConfigError as exc:
            p.say(f"  {exc.key}: {exc.expected}; let's try again")
            ask_given = True


def _ask_one(p: Prompter, setting: Setting, source: PlannedSource, path: Path) -> object:
    """One setting, asked until its answer passes the checks a config file would meet."""
    current = source.values.get(setting.name)
    if setting.help:
        p.say(f"  {setting.name}: {setting.help}")
    label = f"  {setting.name} ({setting.describe()}{', required' if setting.required else ''})"
    default = (setting.shown_default() or setting.suggest) if current is None else _shown(current)
    while True:
        text = p.ask(label, default)
        if not text and setting.required:
            p.say("    a value is required")
            continue
        if not text and setting.default is None:
            return None
        try:
            value = parse_value(text, setting.hint)
        except ValueError as exc:
            p.say(f"    {exc}")
            continue
        problem = check_value(source, setting.name, value, path)
        if problem is None:
            return value
        p.say(f"    {problem}")


def _shown(value: object) -> str:
    return format_value(value)
