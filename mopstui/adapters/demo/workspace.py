"""The built-in demo workspace: seeded, believable campaigns, requests and contacts.

Everything derives from the seed and a reference time, so two workspaces with the same seed and
clock are identical. Actions mutate the in-memory workspace; the next fetch shows the new state.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import and_
from typing import Any

from mopstui.core import quality as q
from mopstui.core.models import OverdueRule, Request

ME = "you"
BASE_URL = "https://demo.mopstui.invalid"
SLA_HOURS = {"Highest": 4.0, "High": 24.0, "Medium": 72.0, "Low": 168.0, "Lowest": 336.0}
#: What the user may do with a ticket: assigned to them, or to someone else (or no one).
MINE, OTHERS = ("decline", "done"), ("take", "decline", "done")

PROGRAMS = [
    "Lead Lifecycle",
    "Scoring",
    "Webinar 2026-11 AI in B2B Ops",
    "Newsletter",
    "Nurture - Mid Funnel",
    "Event - Field Summit Q1",
    "Ops - Data Hygiene",
    "Trial Onboarding",
    "Partner Referrals",
    "Product Launch - Atlas",
    "Customer Advocacy",
    "Re-engagement",
]
CAMPAIGN_STEMS = [
    "Registration",
    "Attended",
    "No-show Follow-up",
    "Send Invite",
    "Reminder",
    "Form Fill",
    "Sync to CRM",
    "Assign Owner",
    "Change Status",
    "Drip Step",
    "Score Update",
    "Send Recording",
]


@dataclass
class Campaign:
    """A demo Marketo campaign, with its planted problem if any."""

    id: str
    name: str
    program: str
    kind: str  # trigger | batch
    active: bool
    status: str  # Marketo-style: Active, Inactive, Invalid, Single Run, Never Run...
    updated: datetime
    note: str = ""  # planted problem text
    problem: str = ""  # planted problem kind beyond active/status
    expect_active: bool = False


@dataclass
class Contacts:
    """The demo's contact records, as a CRM export would have them, kept as columns (one list per
    field): the quality rules run down each column."""

    email: list[str] = field(default_factory=list)
    first_name: list[str] = field(default_factory=list)
    last_name: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    lead_source: list[str] = field(default_factory=list)
    last_activity: list[datetime] = field(default_factory=list)
    unsubscribed: list[bool] = field(default_factory=list)
    marketable: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.email)


@dataclass
class Workspace:
    """The demo platform's data. Open tickets are kept as the Requests the cockpit shows (values:
    an action replaces one), which spares a second object per ticket at 100,000 of them."""

    source: str = "demo"
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    tickets: dict[str, Request] = field(default_factory=dict)
    #: ticket id -> final status ("Done", "Won't Do") of the tickets closed from the cockpit
    closed: dict[str, str] = field(default_factory=dict)
    contacts: Contacts = field(default_factory=Contacts)
    #: campaign id -> its smart list (demo.definitions.SmartList), for drift
    smart_lists: dict[str, Any] = field(default_factory=dict)

    def ticket(
        self,
        tid: str,
        title: str,
        requester: str,
        priority: str,
        status: str,
        created: datetime,
        due: datetime | None,
        assignee: str | None,
        now: datetime,
    ) -> Request:
        """A new open ticket, as a Request seen at `now`."""
        return Request(
            self.source,
            tid,
            title,
            requester,
            priority,
            status,
            created,
            due,
            assignee,
            f"{BASE_URL}/browse/{tid}",
            overdue_rule(now)(created, due, priority),
            MINE if assignee == ME else OTHERS,
        )


def overdue_rule(now: datetime) -> OverdueRule:
    """The demo's overdue rule at `now`: Jira's, with the demo's SLAs."""
    return OverdueRule(SLA_HOURS, now)


#: Hours into the day before the first morning's story is today's: by then every time it plants
#: (up to 01:30) has passed and the VP's 00:04 request is past its 4-hour SLA.
MORNING_STARTS = 5


def last_night(now: datetime) -> datetime:
    """The midnight (UTC) the first morning's story follows: today's from MORNING_STARTS on,
    yesterday's before, so that at any hour no planted time lies ahead and the story reads the same."""
    return (now - timedelta(hours=MORNING_STARTS)).replace(hour=0, minute=0, second=0, microsecond=0)


def _plant_campaigns(ws: Workspace, now: datetime) -> None:
    midnight = last_night(now)
    planted = [
        Campaign(
            "1001",
            "Lead Routing - Inbound MQL",
            "Lead Lifecycle",
            "trigger",
            False,
            "Inactive",
            midnight - timedelta(hours=7, minutes=48),
            "left inactive after yesterday's edit, so the 02:00 routing run never happened; 37 MQLs wait unassigned",
            expect_active=True,
        ),
        Campaign(
            "1002",
            "Webinar - Send Recording",
            "Webinar 2026-11 AI in B2B Ops",
            "trigger",
            False,
            "Invalid",
            midnight - timedelta(hours=3, minutes=12),
            "invalid since the email 'Recording Link v2' it sends was deleted",
        ),
        Campaign(
            "1003",
            "Newsletter - November Send",
            "Newsletter",
            "trigger",
            True,
            "Active",
            midnight - timedelta(days=1, hours=2),
            "is live but its email 'November Newsletter' is still a draft, so it sends nothing",
            problem="unapproved-asset",
        ),
        Campaign(
            "1004",
            "Scoring - Website Behaviour",
            "Scoring",
            "trigger",
            False,
            "Inactive",
            midnight - timedelta(days=2, hours=5),
            "was auto-deactivated by Marketo after 6 months without a qualifying lead",
            expect_active=True,
        ),
        Campaign(
            "1005",
            "Data Hygiene - Normalize Country",
            "Ops - Data Hygiene",
            "batch",
            False,
            "Single Run",
            midnight + timedelta(hours=1, minutes=30),
            "last night's run stopped after 1,204 of 8,900 people (flow step 'Change Data Value' failed)",
            problem="failed-run",
        ),
        Campaign(
            "1006",
            "Nurture - Stream 3 Cadence",
            "Nurture - Mid Funnel",
            "trigger",
            True,
            "Active",
            midnight - timedelta(days=21),
            "no one has qualified in 21 days; the stream may be empty",
            problem="stalled",
        ),
    ]
    for c in planted:
        ws.campaigns[c.id] = c


def _fill_campaigns(ws: Workspace, rng: random.Random, now: datetime, size: int) -> None:
    next_id = 1100
    for i in range(max(0, size - len(ws.campaigns))):
        program = PROGRAMS[i % len(PROGRAMS)]
        stem = CAMPAIGN_STEMS[rng.randrange(len(CAMPAIGN_STEMS))]
        kind = "trigger" if rng.random() < 0.6 else "batch"
        roll = rng.random()
        active, status, note, problem = (kind == "trigger"), ("Active" if kind == "trigger" else "Never Run"), "", ""
        if kind == "batch":
            status = rng.choice(["Single Run", "Recurring Run", "Never Run"])
        # At scale a small share of campaigns is broken, like any real instance.
        if roll < 0.02:
            active, status, note = False, "Invalid", "invalid: its smart list references a deleted list"
        elif roll < 0.035 and kind == "trigger":
            active, status, note = False, "Inactive", "is not active"
        updated = now - timedelta(days=rng.randrange(1, 400), minutes=rng.randrange(1440))
        cid = str(next_id)
        next_id += 1
        ws.campaigns[cid] = Campaign(
            cid,
            f"{program.split(' - ')[0]} - {stem} {i // len(PROGRAMS) + 1:02d}",
            program,
            kind,
            active,
            status,
            updated,
            note,
            problem,
            expect_active=(status == "Inactive"),
        )


def _plant_tickets(ws: Workspace, now: datetime) -> None:
    midnight = last_night(now)
    planted = [
        (
            "MOPS-101",
            "URGENT: webinar invite won't send, CEO is on the speaker list",
            "Dana Whitfield (VP Marketing)",
            "Highest",
            "Open",
            midnight + timedelta(minutes=4),
            None,
            None,
        ),
        (
            "MOPS-102",
            "Send the Black Friday promo to the whole database today",
            "Rick Alvarez (Sales)",
            "High",
            "Open",
            midnight - timedelta(hours=15),
            None,
            None,
        ),
        (
            "MOPS-103",
            "Import 412 leads from the Field Summit badge scans",
            "Priya Natarajan (Events)",
            "High",
            "Open",
            midnight - timedelta(days=3, hours=2),
            midnight - timedelta(days=1),
            None,
        ),
        (
            "MOPS-104",
            "New UTM fields on the demo-request form",
            "Tom Becker (Web)",
            "Medium",
            "In Progress",
            midnight - timedelta(days=6),
            midnight + timedelta(days=3),
            ME,
        ),
        (
            "MOPS-105",
            "Why did my nurture email go to customers?",
            "Lena Kovacs (Product Marketing)",
            "High",
            "Open",
            midnight - timedelta(days=1, hours=9),
            None,
            None,
        ),
    ]
    for fields in planted:
        ws.tickets[fields[0]] = ws.ticket(*fields, now)


_TITLES = [
    "Build a list for the {x} campaign",
    "Clone last quarter's {x} program",
    "Dedupe the {x} import",
    "Add {x} to the lead scoring model",
    "Fix broken link in the {x} email",
    "Report on {x} attribution",
    "Set up a landing page for {x}",
    "Sync {x} field to the CRM",
    "Suppress {x} from newsletters",
    "Update the {x} email template",
    "Approve the {x} email",
    "Segment {x} by region",
]
_TOPICS = [
    "Q1 webinar",
    "EMEA event",
    "partner",
    "trial users",
    "churned customers",
    "APAC launch",
    "analyst day",
    "holiday promo",
    "product update",
    "customer survey",
    "ABM tier 1",
    "newsletter",
]
_PEOPLE = [
    "Sam Ortiz (Demand Gen)",
    "Mei Chen (Field Marketing)",
    "Jonas Weber (Sales Ops)",
    "Aisha Bello (Content)",
    "Chris Young (SDR Lead)",
    "Olivia Grant (Brand)",
    "Noah Park (Partners)",
]
_PRIORITIES = ["High", "Medium", "Medium", "Low", "Low", "Medium"]  # the VP's is the one Highest
_STATUSES = ["Open", "Open", "In Progress", "Waiting for requester"]


def _fill_tickets(ws: Workspace, rng: random.Random, now: datetime, size: int) -> None:
    for i in range(max(0, size - len(ws.tickets))):
        tid = f"MOPS-{106 + i}"
        created = now - timedelta(hours=rng.randrange(1, 24 * 5), minutes=rng.randrange(60))
        due = created + timedelta(days=rng.randrange(2, 15)) if rng.random() < 0.4 else None
        assignee = rng.choice([None, None, ME, "Jordan Lee"])
        title = _TITLES[rng.randrange(len(_TITLES))].format(x=_TOPICS[rng.randrange(len(_TOPICS))])
        ws.tickets[tid] = ws.ticket(
            tid,
            title,
            _PEOPLE[rng.randrange(len(_PEOPLE))],
            _PRIORITIES[rng.randrange(len(_PRIORITIES))],
            _STATUSES[rng.randrange(len(_STATUSES))],
            created,
            due,
            assignee,
            now,
        )


_FIRST = ["Ana", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Hugo", "Iris", "Jack", "Kim", "Liam"]
_LAST = ["Smith", "Garcia", "Müller", "Rossi", "Dubois", "Kowalski", "Nguyen", "Tanaka", "Silva", "Brown"]
_COMPANIES = ["acme.com", "globex.io", "initech.com", "umbrella.co", "hooli.com", "stark.ind", "wayne.co"]
_COUNTRIES = ["US", "United States", "DE", "Germany", "FR", "UK", "GB", "IN", "JP", "BR"]
_SOURCES = ["Webinar", "Website", "Trade Show", "Paid Social", "Partner", "List Import"]


def _contacts(seed: int, now: datetime, size: int) -> Contacts:
    """`size` contacts with problems planted at realistic rates: 5.5% re-sync duplicates, 1.5% invalid
    and 2.5% missing emails, 2% role and 12% free-mail addresses, 0.8% test records, 11% without a
    country, 3% without a lead source, activity up to 1,000 days old, 6% unsubscribed (a few of them
    still marketable). One random number per contact, its bits picking every field (start-up cost)."""
    bits = random.Random(seed * 1_000_003 + 41).getrandbits
    days_ago = [now - timedelta(days=d) for d in range(1000)]
    out = Contacts()
    emails = out.email
    add_email, add_first, add_last = emails.append, out.first_name.append, out.last_name.append
    add_country, add_source, add_activity = out.country.append, out.lead_source.append, out.last_activity.append
    add_unsub, add_marketable = out.unsubscribed.append, out.marketable.append
    for i in range(size):
        r = bits(96)
        first, last, domain = _FIRST[r % 12], _LAST[(r >> 4) % 10], _COMPANIES[(r >> 8) % 7]
        roll, pick = (r >> 11) & 1023, (r >> 21) & 255  # roll: per mille-ish (of 1024)
        if roll < 57 and emails:
            email = emails[pick * len(emails) >> 8].upper()  # a CRM re-sync duplicate
        elif roll < 72:
            email = (f"{first.lower()}@{domain.split('.')[0]}", f"{first} {last}@{domain}", "n/a", "@acme.com")[
                pick & 3
            ]
        elif roll < 98:
            email = ""
        elif roll < 118:
            email = f"{('info', 'sales', 'admin', 'support', 'noreply')[pick % 5]}@{domain}"
        elif roll < 241:
            email = f"{first.lower()}{i}@{('gmail.com', 'yahoo.com', 'outlook.com')[pick % 3]}"
        elif roll < 249:
            email, first, last = (
                ("test@example.com", "Test", "Test"),
                (f"asdf{i}@asdf.com", "asdf", "asdf"),
                (f"mickey{i}@disney.example", "Mickey", "Mouse"),
            )[pick % 3]
        else:
            email = f"{first.lower()}.{last.lower()}{i}@{domain}"
        add_email(email)
        add_first(first)
        add_last(last)
        add_country("" if (r >> 29) & 127 < 14 else _COUNTRIES[(r >> 36) % 10])
        add_source("" if (r >> 40) & 127 < 4 else _SOURCES[(r >> 47) % 6])
        unsub = (r >> 50) & 255 < 15
        add_unsub(unsub)
        add_marketable(not unsub or (r >> 58) & 63 == 0)
        add_activity(days_ago[(r >> 64) % 1000])
    return out


#: The rules quality_counts counts, in the order the pane lists them.
QUALITY_KEYS = (
    "duplicates",
    "invalid_email",
    "missing:email",
    "missing:country",
    "missing:lead_source",
    "role_email",
    "personal_email",
    "test_record",
    "stale",
    "unsubscribed_marketable",
)


def quality_counts(contacts: Contacts, now: datetime, stale_days: int = 730) -> tuple[int, dict[str, int]]:
    """Counts of every quality rule over the generated contacts (see mopstui.core.quality), a column
    at a time; the rules on names, countries and lead sources run once per distinct value."""
    c = contacts
    counts = dict.fromkeys(QUALITY_KEYS, 0)
    seen: set[str] = set()
    test_names = {n for n in set(zip(c.first_name, c.last_name, strict=True)) if q.is_test_name(*n)}
    for email, first, last in zip(c.email, c.first_name, c.last_name, strict=True):
        e = q.email_checks(email)
        if not e.normalised:
            counts["missing:email"] += 1
        elif e.normalised in seen:
            counts["duplicates"] += 1  # every copy after the first
        else:
            seen.add(e.normalised)
        counts["invalid_email"] += e.invalid
        counts["role_email"] += e.role
        counts["personal_email"] += e.personal
        counts["test_record"] += e.test_mailbox or (first, last) in test_names
    for key, column in (("missing:country", c.country), ("missing:lead_source", c.lead_source)):
        tally = Counter(column)
        counts[key] = sum(n for value, n in tally.items() if q.is_blank(value))
    cutoff = now - timedelta(days=stale_days)
    counts["stale"] = sum(activity < cutoff for activity in c.last_activity)
    counts["unsubscribed_marketable"] = sum(map(and_, c.unsubscribed, c.marketable))
    return len(c), counts
