"""The demo's yesterday: what was done in the demo workspace is kept between runs, and each new day
plants a believable night.

The workspace is never saved itself: it is rebuilt from its seed and the time it was first made,
then the diary of what happened since (actions taken, nights planted) is replayed. So the file
stays a few hundred bytes at any size, and a replay is exactly the day that was lived.

The diary is `demo-<source>.json` in the state dir (0600). A file that cannot be read is told in
one line and the demo starts over; a different seed or size in the config starts over too.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from mopstui.adapters.demo import definitions
from mopstui.adapters.demo import workspace as w
from mopstui.core import quality as q
from mopstui.core.private import open_private, private_dir

VERSION = 1
NIGHT = "night"
#: Contacts a night's list import adds again (each a copy of one already there).
REGROWN_DUPLICATES = 38


def diary_path(state_dir: Path, source: str) -> Path:
    return state_dir / f"demo-{source}.json"


@dataclass
class Diary:
    """What happened in one demo workspace: made at `born` from `seed` at `sizes`, then `events`
    (actions and nights, each with its time) in order. `day` is the local date of the last run;
    `nights_due` are nights asked for with `--next-day`, planted at the next start."""

    seed: int
    sizes: tuple[int, int, int]
    born: datetime
    day: date
    events: list[dict[str, str]] = field(default_factory=list)
    nights_due: int = 0

    def nights(self) -> int:
        return sum(e["do"] == NIGHT for e in self.events)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "seed": self.seed,
            "sizes": list(self.sizes),
            "born": self.born.isoformat(),
            "day": self.day.isoformat(),
            "events": list(self.events),  # a copy: later events must not change what was written
            "nights_due": self.nights_due,
        }


class DiaryError(ValueError):
    """The diary file exists but cannot be used; the message says why, in a few words."""


def read_diary(path: Path) -> dict[str, Any] | None:
    """The diary's JSON, None when there is none; DiaryError when it is unreadable or garbled."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise DiaryError(f"cannot read it ({exc.__class__.__name__})") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise DiaryError("not JSON") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise DiaryError("not a demo diary this mopstui writes")
    return data


def parse_diary(data: dict[str, Any]) -> Diary | None:
    """The Diary in `data`, or None for a `--next-day` note written before any run (no workspace yet)."""
    if "born" not in data:
        return None
    try:
        events = data["events"]
        if not isinstance(events, list) or not all(
            isinstance(e, dict) and all(isinstance(v, str) for v in e.values()) and {"do", "at"} <= set(e)
            for e in events
        ):
            raise DiaryError("its events are garbled")
        sizes = tuple(int(n) for n in data["sizes"])
        if len(sizes) != 3:
            raise DiaryError("its sizes are garbled")
        return Diary(
            int(data["seed"]),
            (sizes[0], sizes[1], sizes[2]),
            _aware(datetime.fromisoformat(data["born"])),
            date.fromisoformat(data["day"]),
            list(events),
            max(0, int(data.get("nights_due", 0))),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, DiaryError):
            raise
        raise DiaryError("a field is missing or garbled") from None


def write_diary(path: Path, data: dict[str, Any]) -> None:
    """Write atomically (a crash leaves the old diary whole), 0600."""
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    with open_private(tmp, "w", encoding="utf-8") as out:
        json.dump(data, out)
    os.replace(tmp, path)


def ask_next_day(path: Path) -> None:
    """`--next-day`: plant one more night at the next start (an unreadable diary starts over with it)."""
    try:
        data = read_diary(path) or {"version": VERSION}
    except DiaryError:
        data = {"version": VERSION}
    data["nights_due"] = int(data.get("nights_due", 0) or 0) + 1
    write_diary(path, data)


def forget(path: Path) -> None:
    """`--reset`: the next start makes the first morning again."""
    path.unlink(missing_ok=True)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone().date()


# -- the night ------------------------------------------------------------------------------------
_URGENT = [
    ("URGENT: the demo-request form stopped creating leads overnight", "Dana Whitfield (VP Marketing)"),
    ("URGENT: partner leads from last night's import have no owner", "Noah Park (Partners)"),
    ("URGENT: the webinar reminder went out with a broken link", "Mei Chen (Field Marketing)"),
    ("URGENT: sales says no MQLs arrived this morning", "Chris Young (SDR Lead)"),
]


def plant_night(ws: w.Workspace, seed: int, number: int, at: datetime, clean: list[int] | None = None) -> list[int]:
    """Night `number` (1, 2...) as it would have happened before `at`: a trigger switched off by a
    bulk edit, a new Highest request at 00:14, duplicates regrown by a list import; the first night
    also edits two smart lists (see demo.definitions).

    Returns the contacts a list import may copy (see `clean_contacts`), this night's copies among
    them: a replay hands them to the next night, so the contacts are scanned once, not every night.
    """
    rng = random.Random(seed * 7919 + number)
    midnight = at.astimezone().replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    _switch_off_a_trigger(ws, rng, midnight - timedelta(minutes=8))
    _urgent_request(ws, number, min(midnight + timedelta(minutes=14), at), at)
    if clean is None:
        clean = clean_contacts(ws.contacts)
    _regrow_duplicates(ws.contacts, clean, rng, REGROWN_DUPLICATES, min(midnight + timedelta(minutes=40), at))
    definitions.drift_overnight(ws, midnight - timedelta(hours=1, minutes=37))
    return clean


def _switch_off_a_trigger(ws: w.Workspace, rng: random.Random, when: datetime) -> None:
    healthy = [c for c in ws.campaigns.values() if c.kind == "trigger" and c.active and not c.problem]
    if not healthy:
        return
    c = healthy[rng.randrange(len(healthy))]
    c.active, c.status, c.expect_active, c.updated = False, "Inactive", True, when
    c.note = "was switched off at 23:52 by a bulk edit during the list import; new leads are not being processed"


def _urgent_request(ws: w.Workspace, number: int, created: datetime, now: datetime) -> None:
    taken = {int(t.removeprefix("MOPS-")) for t in [*ws.tickets, *ws.closed] if t.removeprefix("MOPS-").isdigit()}
    tid = f"MOPS-{max(taken, default=100) + 1}"
    title, requester = _URGENT[(number - 1) % len(_URGENT)]
    ws.tickets[tid] = ws.ticket(tid, title, requester, "Highest", "Open", created, None, None, now)


def clean_contacts(contacts: w.Contacts) -> list[int]:
    """Indexes of the contacts no quality rule flags (bar duplicates): those a list import copies."""
    return [i for i, email in enumerate(contacts.email) if email and _clean(email, contacts, i)]


def _regrow_duplicates(contacts: w.Contacts, clean: list[int], rng: random.Random, count: int, when: datetime) -> None:
    """`count` copies of `clean` contacts, as a list import re-creates them (the email in capitals,
    today's activity): duplicates go up by `count`, the other counts stay as they were. Each copy is
    as clean as its original, so it joins `clean` (where a scan of the contacts would find it)."""
    if not clean:
        return
    first_copy = len(contacts)
    for _ in range(count):
        i = clean[rng.randrange(len(clean))]
        contacts.email.append(contacts.email[i].upper())
        contacts.first_name.append(contacts.first_name[i])
        contacts.last_name.append(contacts.last_name[i])
        contacts.country.append(contacts.country[i])
        contacts.lead_source.append("List Import")
        contacts.last_activity.append(when)
        contacts.unsubscribed.append(False)
        contacts.marketable.append(True)
    clean.extend(range(first_copy, len(contacts)))


def _clean(email: str, contacts: w.Contacts, i: int) -> bool:
    _, invalid, role, personal, test = q.email_checks(email)
    named = not q.is_test_name(contacts.first_name[i], contacts.last_name[i])
    return named and not (invalid or role or personal or test) and not q.is_blank(contacts.country[i])


def new_diary(seed: int, sizes: tuple[int, int, int], now: datetime, nights_due: int = 0) -> Diary:
    return Diary(seed, sizes, now, local_day(now), [], nights_due)


def event(do: str, at: datetime, target: str = "") -> dict[str, str]:
    return {"do": do, "at": at.isoformat(), "target": target} if target else {"do": do, "at": at.isoformat()}
