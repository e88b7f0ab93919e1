"""What `mopstui init` is about to write: sources by name and kind, with their settings.

Shared by the prompts and the flags (`--source NAME:KIND`, `--set NAME.KEY=VALUE`), so a scripted
set-up and an interactive one produce the same file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mopstui.adapters import known_kinds, load_kind
from mopstui.config import COMMON_SOURCE_KEYS, parse_config
from mopstui.core.errors import ConfigError
from mopstui.core.names import numbered
from mopstui.core.source import AdapterError, Source
from mopstui.wizard.fields import Setting, parse_value, settings_of, to_toml

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class PlanError(Exception):
    """A flag or answer that cannot be used; the message names which and what was expected."""


@dataclass
class PlannedSource:
    """A source the init wizard is about to write to the config."""

    name: str
    kind: str
    cls: type[Source]
    values: dict[str, Any] = field(default_factory=dict)

    def settings(self) -> list[Setting]:
        return settings_of(self.cls.Options)

    def table(self) -> dict[str, Any]:
        """The [sources.NAME] table: `kind`, required settings and any that differ from the default,
        so later changes to a default still reach this config."""
        table: dict[str, Any] = {"kind": self.kind}
        for setting in self.settings():
            if setting.name not in self.values:
                continue
            value = self.values[setting.name]
            if setting.required or value != setting.default:
                table[setting.name] = to_toml(value)
        for key in COMMON_SOURCE_KEYS - {"kind"}:
            if key in self.values:
                table[key] = self.values[key]
        for setting in settings_of(self.cls.SharedOptions):  # e.g. max_response_mb, set with --set only
            if setting.name in self.values and self.values[setting.name] != setting.default:
                table[setting.name] = to_toml(self.values[setting.name])
        return table

    def missing_required(self) -> list[str]:
        return [s.name for s in self.settings() if s.required and s.name not in self.values]


def available_kinds() -> list[str]:
    """Kinds whose adapter can be loaded on this install."""
    out = []
    for kind in known_kinds():
        try:
            load_kind(kind)
        except Exception:  # an adapter that fails to import is simply not offered
            continue
        out.append(kind)
    return out


def check_name(name: str, taken: set[str]) -> str:
    if not NAME_RE.fullmatch(name):
        raise PlanError(f"source name {name!r}: expected letters, digits, '-' or '_' (e.g. marketo-prod)")
    if name in taken:
        raise PlanError(f"source name {name!r}: already used in this config")
    return name


def free_name(kind: str, taken: set[str]) -> str:
    """`kind`, else `kind-2`, `kind-3`..."""
    return numbered(kind, taken)


def new_source(name: str, kind: str, taken: set[str]) -> PlannedSource:
    check_name(name, taken)
    try:
        cls = load_kind(kind)
    except KeyError:
        raise PlanError(f"kind {kind!r}: unknown (expected one of: {', '.join(available_kinds())})") from None
    except AdapterError as exc:
        raise PlanError(f"kind {kind!r}: {exc}") from None
    return PlannedSource(name, kind, cls)


def from_flags(source_flags: list[str], set_flags: list[str], taken: set[str]) -> list[PlannedSource]:
    """`--source NAME:KIND` (or just KIND) and `--set [NAME.]KEY=VALUE` into planned sources."""
    planned: list[PlannedSource] = []
    names = set(taken)
    for flag in source_flags:
        name, sep, kind = flag.partition(":")
        if not sep:
            kind, name = flag, free_name(flag, names)
        planned.append(new_source(name.strip(), kind.strip(), names))
        names.add(planned[-1].name)
    by_name = {p.name: p for p in planned}
    for flag in set_flags:
        target, sep, text = flag.partition("=")
        if not sep:
            raise PlanError(f"--set {flag}: expected NAME.KEY=VALUE")
        source_name, dot, key = target.rpartition(".")
        if not dot:
            if len(planned) != 1:
                raise PlanError(f"--set {flag}: say which source, as NAME.{target}=VALUE")
            source_name, key = planned[0].name, target
        if source_name not in by_name:
            raise PlanError(f"--set {flag}: no --source named {source_name!r}")
        set_value(by_name[source_name], key.strip(), text, where=f"--set {flag}")
    return planned


def set_value(source: PlannedSource, key: str, text: str, *, where: str) -> None:
    """Parse `text` for `key` of `source`'s kind; PlanError names the flag and what was expected."""
    settings = {s.name: s for s in source.settings()}
    extra = {
        "read_only": bool,
        "timeout_seconds": float,
        **{s.name: s.hint for s in settings_of(source.cls.SharedOptions)},
    }
    if key in settings:
        hint = settings[key].hint
    elif key in extra:
        hint = extra[key]
    else:
        allowed = ", ".join([*settings, *extra])
        raise PlanError(f"{where}: unknown setting {key!r} for kind {source.kind!r} (expected one of: {allowed})")
    try:
        source.values[key] = parse_value(text, hint)
    except ValueError as exc:
        raise PlanError(f"{where}: {key}: {exc}") from None


def validate_source(source: PlannedSource, path: Path) -> None:
    """Check one source as the config loader will (types, ranges); ConfigError names the key."""
    parse_config({"sources": {source.name: source.table()}}, path)


def check_value(source: PlannedSource, name: str, value: Any, path: Path) -> str | None:
    """What is wrong with `value` for setting `name`, judged as the config loader will, as soon as
    it is typed; None when it passes (or when only a later answer can tell). Settings not answered
    yet get their suggestion or empty text, so the check reaches this one's rules."""
    trial = PlannedSource(source.name, source.kind, source.cls, {**source.values, name: value})
    for setting in trial.settings():
        if setting.required and setting.name not in trial.values:
            trial.values[setting.name] = _stand_in(setting)
    try:
        validate_source(trial, path)
    except ConfigError as exc:
        if exc.key.endswith(f".{name}"):
            return exc.expected
        if exc.expected.startswith((f"{name}:", f"{name}.")):  # the Options' own check names its key first
            return exc.expected.removeprefix(f"{name}:").strip()
    return None


def _stand_in(setting: Setting) -> Any:
    try:
        return parse_value(setting.suggest, setting.hint) if setting.suggest else ""
    except ValueError:
        return ""


def merged(existing: dict[str, Any], planned: list[PlannedSource]) -> dict[str, Any]:
    """The file to write: what was there (when adding) plus the planned sources."""
    data = dict(existing)
    sources = dict(data.get("sources", {}))
    for p in planned:
        sources[p.name] = p.table()
    data["sources"] = sources
    return data
