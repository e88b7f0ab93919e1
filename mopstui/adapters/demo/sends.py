"""The demo's "why won't it send?": its programs, emails and audiences, and two planted campaigns.

- The VP's campaign ("VP Launch - Announcement Send", 1007): a live trigger campaign whose email
  'Atlas Launch - VP Letter' is still a draft and whose email program is not approved, so it sends
  nothing. Approving the program first is refused (its email is a draft), as Marketo refuses it.
- "Newsletter - Send to Everyone" (1008): a batch campaign whose smart list holds 97% of the
  database; last night Marketo aborted its run at its person limit, and scheduling it again asks
  for the number of people typed (the audience guard).

The database is the demo's contacts; every other campaign reaches a few percent of it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mopstui.adapters.demo import workspace as w
from mopstui.core.diagnosis import Audience, Check, Diagnosis, Fix, person_limit_check
from mopstui.core.models import ActionOutcome

VP, EVERYONE = "1007", "1008"
VP_PROGRAM = "VP Launch - Atlas Announcement"
ACTIONS = ("approve_email", "approve_program", "schedule")


@dataclass
class DemoEmail:
    id: str
    name: str
    program: str
    approved: bool


@dataclass
class DemoProgram:
    id: str
    name: str
    kind: str  # email | default
    approved: bool
    start: datetime | None = None


@dataclass
class Sends:
    """What the demo knows about sending: emails and programs by id, audience shares, person limits."""

    emails: dict[str, DemoEmail] = field(default_factory=dict)
    programs: dict[str, DemoProgram] = field(default_factory=dict)
    share: dict[str, float] = field(default_factory=dict)
    person_limit: dict[str, int] = field(default_factory=dict)

    def program_named(self, name: str) -> DemoProgram | None:
        return next((p for p in self.programs.values() if p.name == name), None)


def plant_campaigns(ws: w.Workspace, now: datetime) -> None:
    """The two campaigns of this module, beside workspace.py's planted ones."""
    midnight = w.last_night(now)
    ws.campaigns[VP] = w.Campaign(
        VP,
        "VP Launch - Announcement Send",
        VP_PROGRAM,
        "trigger",
        True,
        "Active",
        midnight - timedelta(hours=14),
        "is live but sends nothing: its email 'Atlas Launch - VP Letter' is a draft and its email program is not approved (w tells why)",
        problem="unapproved-asset",
    )
    ws.campaigns[EVERYONE] = w.Campaign(
        EVERYONE,
        "Newsletter - Send to Everyone",
        "Newsletter",
        "batch",
        False,
        "Never Run",
        midnight + timedelta(hours=1, minutes=5),
        "last night's run was aborted by Marketo: its smart list holds 97% of the database, above its person limit (w tells why)",
        problem="failed-run",
    )


def make(ws: w.Workspace, now: datetime) -> Sends:
    sends = Sends()
    midnight = w.last_night(now)
    sends.programs["7001"] = DemoProgram("7001", VP_PROGRAM, "email", False, midnight + timedelta(days=1, hours=9))
    sends.emails["2071"] = DemoEmail("2071", "Atlas Launch - VP Letter", VP_PROGRAM, False)
    sends.emails["2072"] = DemoEmail("2072", "Atlas Launch - Reminder", VP_PROGRAM, True)
    sends.emails["2031"] = DemoEmail("2031", "November Newsletter", "Newsletter", False)
    sends.emails["2032"] = DemoEmail("2032", "Newsletter - Everyone Edition", "Newsletter", True)
    sends.share[VP] = 0.08
    sends.share[EVERYONE] = 0.97
    sends.person_limit[EVERYONE] = 500
    for i, name in enumerate(w.PROGRAMS):
        sends.programs.setdefault(str(7100 + i), DemoProgram(str(7100 + i), name, "default", True))
    return sends


def audience(ws: w.Workspace, sends: Sends, cid: str) -> Audience:
    database = len(ws.contacts)
    share = sends.share.get(cid, 0.01 + (zlib.crc32(cid.encode()) % 900) / 10_000)
    return Audience(round(database * share), database, how="the demo's smart list")


def diagnose(ws: w.Workspace, sends: Sends, source: str, cid: str, now: datetime) -> Diagnosis | None:
    c = ws.campaigns.get(cid)
    if c is None:
        return None
    checks = [_campaign_check(c), *_email_checks(sends, c.program), _program_check(sends, c.program, now)]
    limit = sends.person_limit.get(cid)
    checks.append(person_limit_check(limit))
    checks.append(
        Check("communication-limits", "ok", "Communication limits are on: people at their limit are skipped.")
    )
    kind = "trigger" if c.kind == "trigger" else "batch"
    url = f"{w.BASE_URL}/campaigns/{c.id}"
    return Diagnosis(source, c.id, c.name, kind, tuple(checks), url=url, person_limit=limit)


def _campaign_check(c: w.Campaign) -> Check:
    if c.status == "Invalid":
        return Check("campaign", "fail", f"Marketo marks the campaign Invalid: it is {c.note}.")
    if c.kind == "trigger":
        if c.active:
            return Check("campaign", "ok", "The trigger campaign is active.")
        return Check(
            "campaign",
            "fail",
            "The trigger campaign is not active: people who trigger it are not processed.",
            Fix("activate", c.id, "Activate the trigger campaign"),
        )
    if c.status in ("Single Run", "Recurring Run"):
        return Check("campaign", "ok", f"The batch campaign is scheduled ({c.status}).")
    return Check(
        "campaign",
        "fail",
        f"The batch campaign is not scheduled ({c.status}): it sends nothing until it is.",
        Fix("schedule", c.id, "Schedule the batch campaign to run (Marketo waits at least five minutes)"),
    )


def _email_checks(sends: Sends, program: str) -> list[Check]:
    emails = [e for e in sends.emails.values() if e.program == program]
    drafts = [e for e in emails if not e.approved]
    if drafts:
        return [
            Check(
                f"email:{e.id}",
                "fail",
                f"Email '{e.name}' in program '{program}' is a draft only: a Send Email step with it sends nothing.",
                Fix("approve_email", e.id, f"Approve the draft of email '{e.name}'"),
            )
            for e in drafts
        ]
    if not emails:
        return [
            Check("emails", "unknown", f"No emails in program '{program}': the flow may send one from another program.")
        ]
    return [Check("emails", "ok", f"Every email in program '{program}' is approved ({len(emails)}).")]


def _program_check(sends: Sends, name: str, now: datetime) -> Check:
    p = sends.program_named(name)
    if p is None or p.kind != "email":
        return Check("program", "ok", f"Program '{name}' is a default program: no approval needed.")
    when = p.start.strftime("%Y-%m-%d %H:%M UTC") if p.start else "as scheduled"
    if p.approved:
        return Check("program", "ok", f"Email program '{name}' is approved (locked) to send {when}.")
    return Check(
        "program",
        "fail",
        f"Email program '{name}' is not approved (unlocked): it sends nothing until approved.",
        Fix("approve_program", p.id, f"Approve email program '{name}'"),
    )


def act(ws: w.Workspace, sends: Sends, action: str, target: str, at: datetime) -> ActionOutcome:
    """approve_email, approve_program, schedule, as Marketo would answer them."""
    if action == "approve_email":
        email = sends.emails.get(target)
        if email is None:
            return ActionOutcome(False, f"email {target} not found (610)")
        if email.approved:
            return ActionOutcome(False, f"Marketo refused to approve email '{email.name}': it has no draft (709)")
        email.approved = True
        _settle(ws, sends, email.program)
        return ActionOutcome(True, f"Approved email '{email.name}'; Marketo confirms it is approved", confirmed=True)
    if action == "approve_program":
        program = sends.programs.get(target)
        if program is None:
            return ActionOutcome(False, f"program {target} not found (610)")
        draft = next((e for e in sends.emails.values() if e.program == program.name and not e.approved), None)
        if draft is not None:
            return ActionOutcome(
                False,
                f"Marketo refused to approve email program '{program.name}': email '{draft.name}' is not approved (709)",
            )
        program.approved = True
        _settle(ws, sends, program.name)
        return ActionOutcome(True, f"Approved email program '{program.name}' (locked)", confirmed=True)
    c = ws.campaigns.get(target)
    if c is None:
        return ActionOutcome(False, f"campaign {target} not found (610)")
    if c.kind != "batch":
        return ActionOutcome(False, f"'{c.name}' is a trigger campaign: activate it instead (709)")
    c.status, c.updated, c.problem, c.note = "Single Run", at, "", ""
    return ActionOutcome(True, f"Scheduled '{c.name}': Marketo runs it in five minutes at the earliest")


def _settle(ws: w.Workspace, sends: Sends, program: str) -> None:
    """Once a program's emails (and, for an email program, the program) are approved, its live
    campaigns' draft-asset problem is gone."""
    if any(e.program == program and not e.approved for e in sends.emails.values()):
        return
    p = sends.program_named(program)
    if p is not None and p.kind == "email" and not p.approved:
        return
    for c in ws.campaigns.values():
        if c.program == program and c.problem == "unapproved-asset":
            c.problem, c.note = "", ""
