"""Small text helpers for the panes: relative times, counts, sparklines, severity glyphs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

#: Textual key names as a person types them.
KEY_NAMES = {"question_mark": "?", "slash": "/", "space": "space"}


def key_label(key: str) -> str:
    return KEY_NAMES.get(key.strip(), key.strip())


def count_text(count: int, unknown: bool) -> str:
    """A pane count; with a source that has not answered, `?` (nothing known) or `3+?` (at least 3)."""
    if not unknown:
        return str(count)
    return f"{count}+?" if count else "?"


SEVERITY_GLYPH = {"critical": "✖", "warning": "▲", "info": "i", "ok": "✓"}
SPARK = "▁▂▃▄▅▆▇█"


#: The seam for a fixed clock (mopstui.devtools sets it for screenshots); None: real time.
_clock: Callable[[], datetime] | None = None


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Make every "5m ago" / "in 3h" text read `clock` instead of the real time (None restores it)."""
    global _clock
    _clock = clock


def now_utc() -> datetime:
    """The time every relative text is measured from: the one place this module reads the clock."""
    return _clock() if _clock is not None else datetime.now(UTC)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def ago(dt: datetime | None, now: datetime | None = None) -> str:
    """'5m ago', '3h ago', '2d ago'."""
    if dt is None:
        return "—"
    seconds = ((now or now_utc()) - _aware(dt)).total_seconds()
    if seconds < 0:
        return "in " + span(-seconds)
    return span(seconds) + " ago"


def span(seconds: float) -> str:
    if seconds < 90:
        return f"{int(seconds)}s"
    if seconds < 90 * 60:
        return f"{int(seconds // 60)}m"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def due_text(due: datetime | None, overdue: bool, now: datetime | None = None) -> str:
    if due is None:
        return "SLA late" if overdue else "—"
    seconds = (_aware(due) - (now or now_utc())).total_seconds()
    return f"late {span(-seconds)}" if seconds < 0 else f"in {span(seconds)}"


def local_hhmm(dt: datetime | None) -> str:
    return _aware(dt).astimezone().strftime("%H:%M") if dt else "--:--"


def count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def delta(d: int | None) -> str:
    if d is None:
        return ""
    if d == 0:
        return "±0"
    return f"{d:+,}"


def sparkline(values: list[int] | None) -> str:
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARK[3] * len(values)
    return "".join(SPARK[int((v - lo) * (len(SPARK) - 1) / (hi - lo))] for v in values)
