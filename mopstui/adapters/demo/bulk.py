"""Fast filler for demo workspaces at scale (tens of thousands of requests and campaigns).

The first `HAND_SIZED` tickets and campaigns come from the careful generator in `workspace.py`, so
the default demo (and every test written against it) never changes. Beyond that, this module draws
one 64-bit random number per item from its own seeded generator and picks every field from
precomputed tables, still fully deterministic: the field-by-field generator would spend most of the
100,000-request first paint's allowance (see benchmarks/README.md).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mopstui.adapters.demo import definitions, sends
from mopstui.adapters.demo import workspace as w
from mopstui.core.models import Request

#: Items generated one by one, field by field, before the bulk filler takes over.
HAND_SIZED = 1000

_SLOTS = 4096  # distinct creation times (minutes apart) to pick from


def fill_tickets(ws: w.Workspace, seed: int, now: datetime, start: int, size: int) -> None:
    """Tickets number `start` .. `size - 1` (ids MOPS-{106 + i}), like `_fill_tickets` makes them,
    except that a higher number was created later, as in a real tracker."""
    if size <= start:
        return
    rng = random.Random(seed * 1_000_003 + 17)
    bits = rng.getrandbits
    titles = [t.format(x=x) for t in w._TITLES for x in w._TOPICS]
    # Created 1 h to 5 days ago, like the hand-made tickets, on a grid of minutes, oldest first.
    span_minutes = 24 * 5 * 60 - 60
    created_at = [now - timedelta(minutes=60 + ((_SLOTS - 1 - k) * span_minutes) // _SLOTS) for k in range(_SLOTS)]
    due_after = [timedelta(days=d) for d in range(2, 15)]
    assignees = [None, None, w.ME, "Jordan Lee"]
    people, priorities, statuses = w._PEOPLE, w._PRIORITIES, w._STATUSES
    n_titles, n_people, n_prio, n_status = len(titles), len(people), len(priorities), len(statuses)
    overdue = w.overdue_rule(now)
    source, url, mine, others, me = ws.source, f"{w.BASE_URL}/browse/MOPS-", w.MINE, w.OTHERS, w.ME
    tickets = ws.tickets
    for i in range(start, size):
        r = bits(64)
        created = created_at[((i - start) * _SLOTS) // (size - start)]
        r >>= 12
        due = created + due_after[r % 13] if (r >> 4) % 10 < 4 else None
        r >>= 8
        priority, assignee = priorities[(r >> 12) % n_prio], assignees[(r >> 20) & 3]
        late = overdue(created, due, priority)
        n = str(106 + i)
        tid = "MOPS-" + n
        tickets[tid] = Request(
            source,
            tid,
            titles[r % n_titles],
            people[(r >> 8) % n_people],
            priority,
            statuses[(r >> 16) % n_status],
            created,
            due,
            assignee,
            url + n,
            late,
            mine if assignee == me else others,
        )


def fill_campaigns(ws: w.Workspace, seed: int, now: datetime, start: int, size: int, first_id: int) -> None:
    """Campaigns number `start` .. `size - 1` (ids from `first_id`), like `_fill_campaigns` makes them."""
    if size <= start:
        return
    rng = random.Random(seed * 1_000_003 + 29)
    bits = rng.getrandbits
    programs, stems = w.PROGRAMS, w.CAMPAIGN_STEMS
    updated_at = [now - timedelta(minutes=1440 + (k * 399 * 1440) // _SLOTS) for k in range(_SLOTS)]
    batch_status = ["Single Run", "Recurring Run", "Never Run"]
    campaigns = ws.campaigns
    campaign = w.Campaign
    for offset, i in enumerate(range(start, size)):
        r = bits(64)
        program = programs[i % len(programs)]
        stem = stems[r % len(stems)]
        r >>= 8
        kind = "trigger" if r % 10 < 6 else "batch"
        r >>= 8
        roll = (r % 1000) / 1000
        r >>= 10
        active = kind == "trigger"
        status = "Active" if active else batch_status[r % 3]
        note = ""
        # At scale a small share of campaigns is broken, like any real instance.
        if roll < 0.02:
            active, status, note = False, "Invalid", "invalid: its smart list references a deleted list"
        elif roll < 0.035 and kind == "trigger":
            active, status, note = False, "Inactive", "is not active"
        cid = str(first_id + offset)
        campaigns[cid] = campaign(
            cid,
            f"{program.split(' - ')[0]} - {stem} {i // len(programs) + 1:02d}",
            program,
            kind,
            active,
            status,
            updated_at[(r >> 4) & 4095],
            note,
            "",
            expect_active=(status == "Inactive"),
        )


def build(seed: int, now: datetime, campaigns: int, requests: int, contacts: int, source: str = "demo") -> w.Workspace:
    """The demo workspace at any size: the careful generator's items first, then this module's."""
    rng = random.Random(seed)
    ws = w.Workspace(source)
    w._plant_campaigns(ws, now)
    definitions.plant(ws)
    # Item by item up to HAND_SIZED, then the fast filler (same default demo, quick at scale).
    extra = max(0, campaigns - len(ws.campaigns))
    w._fill_campaigns(ws, rng, now, len(ws.campaigns) + min(extra, HAND_SIZED))
    w._plant_tickets(ws, now)
    extra_tickets = max(0, requests - len(ws.tickets))
    w._fill_tickets(ws, rng, now, len(ws.tickets) + min(extra_tickets, HAND_SIZED))
    fill_campaigns(ws, seed, now, HAND_SIZED, extra, 1100 + HAND_SIZED)
    fill_tickets(ws, seed, now, HAND_SIZED, extra_tickets)
    # After the fillers, so every other item stays as it was: the VP's campaign, "send to everyone"
    sends.plant_campaigns(ws, now)
    ws.contacts = w._contacts(seed, now, contacts)
    return ws
