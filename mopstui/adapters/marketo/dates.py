"""Marketo's dates: `2016-09-10T23:16:19Z+0000` (a Z *and* an offset), plus the plain ISO forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ZED_AND_OFFSET = re.compile(r"Z(?=[+-]\d{2}:?\d{2}$)")


def parse_marketo_date(value: object) -> datetime | None:
    """An aware UTC datetime, or None for missing or unreadable values (never raises)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _ZED_AND_OFFSET.sub("", value.strip())
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0000 -> +00:00 for older Pythons
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_marketo_date(when: datetime) -> str:
    """ISO-8601 without milliseconds, in UTC with a Z, as `earliestUpdatedAt` wants it."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _central() -> timezone | ZoneInfo:
    try:
        return ZoneInfo("America/Chicago")
    except ZoneInfoNotFoundError:  # no tz database on this machine: CST, as Adobe words it
        return timezone(timedelta(hours=-6), "CST")


def next_quota_reset(now: datetime) -> datetime:
    """The next midnight US Central after `now` (when Marketo's daily quota resets), in UTC."""
    central = _central()
    local = now.astimezone(central)
    midnight = datetime(local.year, local.month, local.day, tzinfo=central) + timedelta(days=1)
    # rebuild from the date so a DST change that day does not shift midnight by an hour
    midnight = datetime(midnight.year, midnight.month, midnight.day, tzinfo=central)
    return midnight.astimezone(UTC)
