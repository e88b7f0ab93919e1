"""Why a Marketo campaign won't send: the checks (pure), their calls, and the one-call fixes.

Checks, from what the asset API gives (shared/reference/apis.md, smart-campaigns.md, emails.md):
- the campaign: a trigger campaign active, a batch campaign scheduled (status Single/Recurring Run),
  not `Invalid`;
- the program's emails: each approved (a draft-only one is named; approving it is the fix);
- the program: an email program approved (`status` locked) with its start date not past;
- limits: the person limit (`maxMembers`, checked against the audience once counted) and
  communication limits (`isCommunicationLimitEnabled`);
- the audience: the campaign's smart list counted by an id-only bulk export (see bulk.py).

Flow steps are not in Adobe's REST API, so "each email the program holds" stands in for "each email
the campaign sends". Fixes are actions of the source: `approve_email`, `approve_program`,
`activate` (trigger) and `schedule` (batch).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from mopstui.adapters.marketo.campaigns import is_active, is_approved, is_draft_only, is_trigger, program_of
from mopstui.adapters.marketo.dates import parse_marketo_date
from mopstui.core.diagnosis import Check, Fix

#: Get Program by Id: programs.json's record for one program (its `filterType=id` needs a
#: `filterValues` the Swagger does not declare), same ProgramResponse: type, status, startDate.
PROGRAM = "/rest/asset/v1/program/{id}.json"
EMAILS = "/rest/asset/v1/emails.json"
SCHEDULED = frozenset({"Single Run", "Recurring Run"})
#: An email's header fields Adobe validates on approval (emails.md, "Approve").
HEADERS = {"fromName": "from name", "fromEmail": "from email", "replyEmail": "reply-to email", "subject": "subject"}


def campaign_check(campaign: Mapping[str, Any]) -> Check:
    """Active (trigger) or scheduled (batch); Invalid fails whatever the kind."""
    cid, status = str(campaign.get("id")), str(campaign.get("status", ""))
    if status == "Invalid":
        return Check(
            "campaign",
            "fail",
            "Marketo marks the campaign Invalid: a smart list rule or flow step is broken; fix the red rule in Marketo.",
        )
    if is_trigger(campaign):
        if is_active(campaign):
            return Check("campaign", "ok", "The trigger campaign is active.")
        return Check(
            "campaign",
            "fail",
            "The trigger campaign is not active: people who trigger it are not processed.",
            Fix("activate", cid, "Activate the trigger campaign"),
        )
    if status in SCHEDULED:
        return Check("campaign", "ok", f"The batch campaign is scheduled ({status}).")
    return Check(
        "campaign",
        "fail",
        f"The batch campaign is not scheduled ({status or 'no status'}): it sends nothing until it is.",
        Fix("schedule", cid, "Schedule the batch campaign to run (Marketo waits at least five minutes)"),
    )


def email_checks(emails: Iterable[Mapping[str, Any]], program_name: str) -> list[Check]:
    """One failing line per draft-only email of the program, else one passing line."""
    emails = list(emails)
    approved = {str(e.get("id")) for e in emails if is_approved(e)}
    where = f"program '{program_name}'" if program_name else "its program"
    drafts = {str(e.get("id")): e for e in emails if is_draft_only(e, approved)}
    checks = []
    for eid, email in sorted(drafts.items(), key=lambda kv: str(kv[1].get("name", ""))):
        name = str(email.get("name") or f"email {eid}")
        missing = [words for key, words in HEADERS.items() if not _header(email, key)]
        refusal = f" Marketo will refuse to approve it until its {', '.join(missing)} are set." if missing else ""
        checks.append(
            Check(
                f"email:{eid}",
                "fail",
                f"Email '{name}' in {where} is a draft only: a Send Email step with it sends nothing.{refusal}",
                Fix("approve_email", eid, f"Approve the draft of email '{name}'"),
            )
        )
    if checks:
        return checks
    if not emails:
        return [Check("emails", "unknown", f"No emails in {where}: the flow may send one from another program.")]
    count = len({str(e.get("id")) for e in emails})
    return [Check("emails", "ok", f"Every email in {where} is approved ({count}).")]


def program_check(program: Mapping[str, Any] | None, now: datetime) -> Check:
    """An email program approved (locked) with its start date ahead; other programs need nothing."""
    if program is None:
        return Check("program", "ok", "The campaign is not in a program: no program approval applies.")
    pid, name = str(program.get("id")), str(program.get("name") or f"program {program.get('id')}")
    kind = str(program.get("type", "")).lower()
    if kind != "email":
        return Check("program", "ok", f"Program '{name}' is a {kind or 'default'} program: no approval needed.")
    start = parse_marketo_date(program.get("startDate"))
    status = str(program.get("status", "")).lower()
    when = start.strftime("%Y-%m-%d %H:%M UTC") if start else ""
    if status == "locked":
        if start is not None and start < now:
            return Check("program", "ok", f"Email program '{name}' is approved; its send time {when} has passed.")
        return Check("program", "ok", f"Email program '{name}' is approved (locked) to send {when or 'as scheduled'}.")
    if start is not None and start < now:
        return Check(
            "program",
            "fail",
            f"Email program '{name}' is not approved and its start date {when} has passed: set a new date in Marketo, then approve it.",
        )
    return Check(
        "program",
        "fail",
        f"Email program '{name}' is not approved (unlocked): it sends nothing until approved.",
        Fix("approve_program", pid, f"Approve email program '{name}'"),
    )


def limits_check(campaign: Mapping[str, Any]) -> Check:
    """Communication limits: on, people at their limit are skipped; off, everyone is emailed."""
    if campaign.get("isCommunicationLimitEnabled") is True:
        return Check(
            "communication-limits",
            "ok",
            "Communication limits are on: people who reached the subscription's daily or weekly email limit are skipped.",
        )
    return Check("communication-limits", "ok", "Communication limits are off: everyone who qualifies is emailed.")


def person_limit(campaign: Mapping[str, Any]) -> int | None:
    value = campaign.get("maxMembers")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def emails_query(program_id: str, offset: int) -> dict[str, Any]:
    """The emails listing of one program folder (emails.md, "Browse": `folder` with `id` and `type`)."""
    folder = json.dumps({"id": int(program_id), "type": "Program"}, separators=(",", ":"))
    return {"folder": folder, "maxReturn": 200, "offset": offset}


def the_program(campaign: Mapping[str, Any]) -> str | None:
    pid = program_of(campaign)
    return pid if pid is not None and pid.isdigit() else None


def _header(email: Mapping[str, Any], key: str) -> str:
    field = email.get(key)
    value = field.get("value") if isinstance(field, Mapping) else field
    return str(value or "").strip()
