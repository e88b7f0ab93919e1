"""Strictly validated TOML config: unknown keys, wrong types and unknown kinds are errors.

Every error is a ConfigError naming the file, the key (or line) and what was expected.
"""

from __future__ import annotations

import dataclasses
import re
import stat
import tomllib
import types
import typing
from dataclasses import field
from pathlib import Path
from typing import Any

from mopstui.adapters import known_kinds, load_kind
from mopstui.core.errors import ConfigError
from mopstui.core.source import Source
from mopstui.core.values import valueclass

#: The demo workspace used when there is no config file, or with --demo.
DEMO_SOURCE = {"kind": "demo"}

#: Keys every [sources.NAME] table may have whatever its kind.
COMMON_SOURCE_KEYS = {"kind", "read_only", "timeout_seconds"}


@valueclass(frozen=True)
class SourceConfig:
    """One `[sources.NAME]` table, validated: the adapter class, its options and its limits."""

    name: str
    kind: str
    cls: type[Source]
    options: Any
    read_only: bool = False
    timeout_seconds: float | None = None


@valueclass(frozen=True)
class Config:
    """The whole validated config: sources, refresh, theme, keys, replies, notify."""

    path: Path | None
    sources: list[SourceConfig]
    refresh_minutes: float = 5.0
    read_only: bool = False
    timeout_seconds: float = 30.0
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    replies: dict[str, str] = field(default_factory=dict)
    notify: dict[str, Any] = field(default_factory=dict)
    #: True when running on the built-in demo because no config file exists (show the banner).
    is_default_demo: bool = False

    @property
    def is_demo(self) -> bool:
        """True when every source is the built-in demo: what it shows is invented."""
        return all(s.kind == "demo" for s in self.sources)

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)


# Top-level keys: name -> (type, default). Tables [sources], [keys], [replies], [notify] apart.
TOP_LEVEL: dict[str, tuple[Any, Any]] = {
    "refresh_minutes": (float, 5.0),
    "read_only": (bool, False),
    "timeout_seconds": (float, 30.0),
    "theme": (str, None),
}
NOTIFY_KEYS: dict[str, Any] = {"only_on_change": bool, "max_items": int}


def load_config(path: Path, *, demo: bool = False, given_by: str | None = None) -> Config:
    """Read and validate `path`; with `demo`, or no file at the default location, the demo workspace.

    `given_by` names who chose `path` ("--config", "$MOPSTUI_CONFIG"): such a path must be a
    readable file, since a typo there must never quietly turn a cron job into the demo."""
    if demo:
        return _demo_config(path if _is_file(path) else None, is_default=False)
    origin = f" (given by {given_by})" if given_by else ""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        if given_by is None:
            return _demo_config(None, is_default=True)
        raise ConfigError(str(path), "file", f"not found{origin}; check the path, or run `mopstui init` to create it") from None
    except OSError as exc:
        raise ConfigError(str(path), "file", f"cannot be read ({exc.strerror or exc}){origin}") from None
    if stat.S_ISDIR(mode):
        raise ConfigError(str(path), "file", f"is a directory, expected a TOML file{origin}")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):  # a pipe, as in --config <(...), is fine
        raise ConfigError(str(path), "file", f"is not a regular file, expected a TOML file{origin}")
    try:
        raw = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(str(path), "file", f"cannot be read ({exc.strerror or exc}){origin}") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), "file", "expected UTF-8 text") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), _toml_where(exc), f"invalid TOML ({_toml_msg(exc)})") from None
    return parse_config(data, path)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _demo_config(path: Path | None, *, is_default: bool) -> Config:
    cls = load_kind("demo")
    return Config(
        path=path,
        sources=[SourceConfig("demo", "demo", cls, _build_options(cls, {}, "", "sources.demo"))],
        is_default_demo=is_default,
    )


def _toml_where(exc: tomllib.TOMLDecodeError) -> str:
    # Python 3.11 keeps the position only in the message: "Invalid value (at line 3, column 11)".
    lineno = getattr(exc, "lineno", None)
    if lineno is None:
        match = re.search(r"at line (\d+)", str(exc))
        lineno = match.group(1) if match else None
    return f"line {lineno}" if lineno else "file"


def _toml_msg(exc: tomllib.TOMLDecodeError) -> str:
    msg = getattr(exc, "msg", None) or str(exc)
    return msg.split(" (at line")[0]


def parse_config(data: dict[str, Any], path: Path) -> Config:
    where = str(path)
    known = set(TOP_LEVEL) | {"sources", "keys", "replies", "notify"}
    for key in data:
        if key not in known:
            raise ConfigError(where, key, f"unknown key (expected one of: {', '.join(sorted(known))})")
    top = {k: _coerce(data.get(k, d), t, where, k) if k in data else d for k, (t, d) in TOP_LEVEL.items()}
    if top["refresh_minutes"] <= 0:
        raise ConfigError(where, "refresh_minutes", "expected a number of minutes above 0")
    if top["timeout_seconds"] <= 0:
        raise ConfigError(where, "timeout_seconds", "expected a number of seconds above 0")
    keys = _str_table(data.get("keys", {}), where, "keys")
    replies = _str_table(data.get("replies", {}), where, "replies")
    notify = _table(data.get("notify", {}), where, "notify")
    for key, value in notify.items():
        if key not in NOTIFY_KEYS:
            raise ConfigError(where, f"notify.{key}", f"unknown key (expected one of: {', '.join(NOTIFY_KEYS)})")
        notify[key] = _coerce(value, NOTIFY_KEYS[key], where, f"notify.{key}")
    sources_raw = _table(data.get("sources", {}), where, "sources")
    if not sources_raw:
        raise ConfigError(where, "sources", "expected at least one [sources.NAME] table")
    sources = [_parse_source(name, raw, where) for name, raw in sources_raw.items()]
    return Config(path=path, sources=sources, keys=keys, replies=replies, notify=notify, **top)


def _parse_source(name: str, raw: Any, where: str) -> SourceConfig:
    prefix = f"sources.{name}"
    table = _table(raw, where, prefix)
    kind = table.get("kind")
    if kind is None:
        raise ConfigError(where, f"{prefix}.kind", f"missing (expected one of: {', '.join(known_kinds())})")
    if not isinstance(kind, str):
        raise ConfigError(where, f"{prefix}.kind", "expected a string")
    try:
        cls = load_kind(kind)
    except KeyError:
        raise ConfigError(
            where, f"{prefix}.kind", f"unknown kind {kind!r} (expected one of: {', '.join(known_kinds())})"
        ) from None
    read_only = _coerce(table.get("read_only", False), bool, where, f"{prefix}.read_only")
    timeout = table.get("timeout_seconds")
    if timeout is not None:
        timeout = _coerce(timeout, float, where, f"{prefix}.timeout_seconds")
    options = {k: v for k, v in table.items() if k not in COMMON_SOURCE_KEYS}
    return SourceConfig(name, kind, cls, _build_options(cls, options, where, prefix), read_only, timeout)


def _build_options(cls: type[Source], raw: dict[str, Any], where: str, prefix: str) -> Any:
    options_cls = cls.Options
    hints = typing.get_type_hints(options_cls)
    fields = {f.name: f for f in dataclasses.fields(options_cls)}
    allowed = sorted(set(fields) | COMMON_SOURCE_KEYS)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in fields:
            raise ConfigError(where, f"{prefix}.{key}", f"unknown key for kind {cls.kind!r} (expected one of: {', '.join(allowed)})")
        values[key] = _coerce(value, hints[key], where, f"{prefix}.{key}")
    for fname, f in fields.items():
        if fname not in values and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(where, f"{prefix}.{fname}", f"missing (required for kind {cls.kind!r})")
    try:
        return options_cls(**values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(where, prefix, str(exc)) from None


def _table(value: Any, where: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(where, key, "expected a table")
    return dict(value)


def _str_table(value: Any, where: str, key: str) -> dict[str, str]:
    table = _table(value, where, key)
    for k, v in table.items():
        if not isinstance(v, str):
            raise ConfigError(where, f"{key}.{k}", "expected a string")
    return table


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}


def _coerce(value: Any, hint: Any, where: str, key: str) -> Any:
    """Check `value` against a type hint: str, int, float, bool, Literal, list[...], dict[str, ...], Optional."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(value, inner[0], where, key)
    if origin is typing.Literal:
        if value not in args:
            raise ConfigError(where, key, f"expected one of {', '.join(repr(a) for a in args)}, got {value!r}")
        return value
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise ConfigError(where, key, "expected a list")
        item = args[0] if args else Any
        coerced = [_coerce(v, item, where, f"{key}[{i}]") for i, v in enumerate(value)]
        return tuple(coerced) if origin is tuple else coerced
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(where, key, "expected a table")
        item = args[1] if len(args) == 2 else Any
        return {k: _coerce(v, item, where, f"{key}.{k}") for k, v in value.items()}
    if hint is Any:
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(where, key, f"expected a number, got {value!r}")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(where, key, f"expected an integer, got {value!r}")
        return value
    if hint in (str, bool):
        if not isinstance(value, hint):
            raise ConfigError(where, key, f"expected {_TYPE_NAMES[hint]}, got {value!r}")
        return value
    return value
