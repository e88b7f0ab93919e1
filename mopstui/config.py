"""Strictly validated TOML config: unknown keys, wrong types and unknown kinds are errors.

Every error is a ConfigError naming the file, the key (or line) and what was expected.
"""

from __future__ import annotations

import dataclasses
import math
import re
import reprlib
import stat
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mopstui.adapters import known_kinds, load_kind
from mopstui.core.errors import ConfigError
from mopstui.core.source import AdapterError, Source
from mopstui.hints import shape_of

#: Keys every [sources.NAME] table may have whatever its kind.
COMMON_SOURCE_KEYS = {"kind", "read_only", "timeout_seconds"}
#: The largest refresh interval and fetch timeout taken: beyond them a typo (1e9) is likelier than a wish.
MAX_REFRESH_MINUTES = 1440.0
MAX_TIMEOUT_SECONDS = 3600.0
#: A config is a few KB; more is a wrong file (or an endless pipe), read no further than this.
MAX_CONFIG_BYTES = 1 << 20
#: Tables and lists nested deeper than this are refused before anything walks them recursively.
MAX_NESTING = 32


@dataclass(frozen=True)
class SourceConfig:
    """One `[sources.NAME]` table, validated: the adapter class, its options and its limits."""

    name: str
    kind: str
    cls: type[Source]
    options: Any
    read_only: bool = False
    timeout_seconds: float | None = None
    #: The kind's `SharedOptions` (e.g. the HTTP layer's `max_response_mb`), None for the defaults.
    shared_options: Any = None


@dataclass(frozen=True)
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
    #: Above this share of the database (%), activating a campaign asks for its audience typed.
    audience_guard_percent: float = 25.0
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
    "audience_guard_percent": (float, 25.0),
}
NOTIFY_KEYS: dict[str, Any] = {"only_on_change": bool, "max_items": int}
MAX_NOTIFY_ITEMS = 100


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
        raise ConfigError(
            str(path), "file", f"not found{origin}; check the path, or run `mopstui init` to create it"
        ) from None
    except OSError as exc:
        raise ConfigError(str(path), "file", f"cannot be read ({exc.strerror or exc}){origin}") from None
    if stat.S_ISDIR(mode):
        raise ConfigError(str(path), "file", f"is a directory, expected a TOML file{origin}")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):  # a pipe, as in --config <(...), is fine
        raise ConfigError(str(path), "file", f"is not a regular file, expected a TOML file{origin}")
    try:
        with path.open("rb") as fh:
            head = fh.read(MAX_CONFIG_BYTES + 1)
        raw = head.decode("utf-8")
    except OSError as exc:
        raise ConfigError(str(path), "file", f"cannot be read ({exc.strerror or exc}){origin}") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), "file", "expected UTF-8 text") from None
    if len(head) > MAX_CONFIG_BYTES:
        raise ConfigError(str(path), "file", f"larger than {MAX_CONFIG_BYTES >> 20} MB, expected a TOML config{origin}")
    return parse_config(parse_toml(raw, str(path)), path)


def config_exists(path: Path) -> bool:
    """Whether anything is at `path`; a ConfigError when its folder cannot even be looked into."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:  # e.g. a folder the user cannot enter: Path.exists() would raise it
        raise ConfigError(str(path), "file", f"cannot be looked at ({exc.strerror or exc})") from None
    return True


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """TOML text as tables, nested at most MAX_NESTING deep; ConfigError names the line or key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(where, _toml_where(exc), f"invalid TOML ({_toml_msg(exc)})") from None
    except RecursionError:  # tomllib recurses once per nested list or inline table
        raise ConfigError(where, "file", f"nested too deeply (expected at most {MAX_NESTING} levels)") from None
    _check_nesting(data, where)
    return data


def _check_nesting(data: dict[str, Any], where: str) -> None:
    """Refuse values nested deeper than MAX_NESTING (dotted keys nest without limit in TOML):
    walked with a stack, so nothing later (checks, repr in a message) recurses that deep."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, key, depth = stack.pop()
        if depth > MAX_NESTING:
            shown = key if len(key) <= 60 else key[:57] + "..."
            raise ConfigError(where, shown, f"nested too deeply (expected at most {MAX_NESTING} levels)")
        if isinstance(value, dict):
            stack.extend((v, f"{key}.{k}" if key else str(k), depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{key}[{i}]", depth + 1) for i, v in enumerate(value))


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
    _in_range(top["refresh_minutes"], MAX_REFRESH_MINUTES, "minutes", where, "refresh_minutes")
    _in_range(top["timeout_seconds"], MAX_TIMEOUT_SECONDS, "seconds", where, "timeout_seconds")
    if not 0 <= top["audience_guard_percent"] <= 100:
        raise ConfigError(
            where, "audience_guard_percent", f"expected a percentage, 0 to 100, got {top['audience_guard_percent']:g}"
        )
    keys = _str_table(data.get("keys", {}), where, "keys")
    replies = _str_table(data.get("replies", {}), where, "replies")
    notify = _table(data.get("notify", {}), where, "notify")
    for key, value in notify.items():
        if key not in NOTIFY_KEYS:
            raise ConfigError(where, f"notify.{key}", f"unknown key (expected one of: {', '.join(NOTIFY_KEYS)})")
        notify[key] = _coerce(value, NOTIFY_KEYS[key], where, f"notify.{key}")
    if not 0 <= notify.get("max_items", 0) <= MAX_NOTIFY_ITEMS:  # a Slack message holds ~40,000 characters
        raise ConfigError(
            where, "notify.max_items", f"expected 0 to {MAX_NOTIFY_ITEMS} items, got {notify['max_items']}"
        )
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
    except AdapterError as exc:
        raise ConfigError(where, f"{prefix}.kind", str(exc)) from None
    read_only = _coerce(table.get("read_only", False), bool, where, f"{prefix}.read_only")
    timeout = table.get("timeout_seconds")
    if timeout is not None:
        timeout = _coerce(timeout, float, where, f"{prefix}.timeout_seconds")
        _in_range(timeout, MAX_TIMEOUT_SECONDS, "seconds", where, f"{prefix}.timeout_seconds")
    shared_keys = _field_names(cls.SharedOptions)
    shared = _build_options(cls, {k: v for k, v in table.items() if k in shared_keys}, where, prefix, cls.SharedOptions)
    options = {k: v for k, v in table.items() if k not in COMMON_SOURCE_KEYS and k not in shared_keys}
    return SourceConfig(name, kind, cls, _build_options(cls, options, where, prefix), read_only, timeout, shared)


def _field_names(options_cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(options_cls)}


def _build_options(
    cls: type[Source], raw: dict[str, Any], where: str, prefix: str, options_cls: type | None = None
) -> Any:
    """`cls.Options` (or `options_cls`) built from `raw`, every key and type checked."""
    options_cls = options_cls or cls.Options
    hints = typing.get_type_hints(options_cls)
    fields = {f.name: f for f in dataclasses.fields(options_cls)}
    allowed = sorted(_field_names(cls.Options) | _field_names(cls.SharedOptions) | COMMON_SOURCE_KEYS)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in fields:
            raise ConfigError(
                where, f"{prefix}.{key}", f"unknown key for kind {cls.kind!r} (expected one of: {', '.join(allowed)})"
            )
        values[key] = _coerce(value, hints[key], where, f"{prefix}.{key}")
    for fname, f in fields.items():
        if fname not in values and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(where, f"{prefix}.{fname}", f"missing (required for kind {cls.kind!r})")
    try:
        return options_cls(**values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(where, prefix, str(exc)) from None


def _in_range(value: float, most: float, unit: str, where: str, key: str) -> None:
    """A limit in time: above 0 and at most `most` (nan and infinities were refused by _coerce)."""
    if not 0 < value <= most:
        raise ConfigError(where, key, f"expected a number of {unit} above 0 and at most {most:g}, got {value:g}")


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
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 2, 60, 60


def _shown(value: Any) -> str:
    """A value as it appears in an error: its repr, cut short (a message stays one readable line)."""
    return _SHORT.repr(value)


def _coerce(value: Any, hint: Any, where: str, key: str) -> Any:
    """Check `value` against a type hint (see mopstui.hints for the hints taken)."""
    shape = shape_of(hint)
    if value is None and shape.optional:
        return None
    if shape.kind == "choice":
        if value not in shape.choices:
            raise ConfigError(
                where, key, f"expected one of {', '.join(repr(a) for a in shape.choices)}, got {_shown(value)}"
            )
        return value
    if shape.kind in ("list", "tuple"):
        if not isinstance(value, list):
            raise ConfigError(where, key, "expected a list")
        coerced = [_coerce(v, shape.item or Any, where, f"{key}[{i}]") for i, v in enumerate(value)]
        return tuple(coerced) if shape.kind == "tuple" else coerced
    if shape.kind == "table":
        if not isinstance(value, dict):
            raise ConfigError(where, key, "expected a table")
        return {k: _coerce(v, shape.item or Any, where, f"{key}.{k}") for k, v in value.items()}
    hint = shape.scalar
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(where, key, f"expected a number, got {_shown(value)}")
        # TOML has nan and inf: no setting of ours means either (nan > 0 is false, so it slips past checks)
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(where, key, f"expected a finite number, got {_shown(value)}")
        try:
            return float(value)
        except OverflowError:  # an integer too big for a float
            raise ConfigError(where, key, "expected a finite number, got a huge integer") from None
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(where, key, f"expected an integer, got {_shown(value)}")
        return value
    if hint in (str, bool):
        if not isinstance(value, hint):
            raise ConfigError(where, key, f"expected {_TYPE_NAMES[hint]}, got {_shown(value)}")
        return value
    return value
