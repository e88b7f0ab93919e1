"""The calls behind a Marketo diagnosis, the audience count and the one-call fixes.

One diagnosis: the campaign (`GET smartCampaign/{id}.json`), its program (`GET program/{id}.json`,
programs.json's record) and the program's emails (`GET emails.json` by folder, 200 a page): 3 calls (plus a token when
none is held). The audience: an id-only bulk export of the campaign's smart list (create, enqueue,
one status poll a minute until Completed: 3 calls or more); the database size from `database_size`
(no call) or, once a session, the same export of `database_smart_list_id`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mopstui.adapters.marketo import why
from mopstui.adapters.marketo.bulk import ExportJobs
from mopstui.adapters.marketo.campaigns import is_approved
from mopstui.adapters.marketo.envelope import MarketoRefused
from mopstui.core.diagnosis import Audience, Diagnosis, person_limit_check
from mopstui.core.errors import BadAnswerError, NotFoundError
from mopstui.core.models import ActionOutcome
from mopstui.core.receipt import accepted, unconfirmed

if TYPE_CHECKING:
    from mopstui.adapters.marketo import MarketoSource

#: Pages of one program's emails read before calling the answer garbage (10,000 emails).
MAX_EMAIL_PAGES = 50


async def campaign(source: MarketoSource, target: str) -> dict[str, Any]:
    if not target.isdigit():
        raise NotFoundError(f"{source.name}: '{target}' is not a Marketo smart campaign id")
    try:
        data = await source.api("GET", f"/rest/asset/v1/smartCampaign/{target}.json")
    except NotFoundError:
        data = {}
    result = data.get("result")
    if not isinstance(result, list) or not result or not isinstance(result[0], dict):
        raise NotFoundError(
            f"{source.name}: no smart campaign {target} in Marketo (deleted, or not visible to the API user)"
        )
    found: dict[str, Any] = result[0]
    source.remember_campaign(found)
    return found


async def program(source: MarketoSource, program_id: str) -> dict[str, Any] | None:
    try:
        data = await source.api("GET", why.PROGRAM.format(id=program_id))
    except NotFoundError:
        return None
    result = data.get("result")
    if isinstance(result, list) and result and isinstance(result[0], dict):
        return result[0]
    return None


async def program_emails(source: MarketoSource, program_id: str) -> list[dict[str, Any]]:
    emails: list[dict[str, Any]] = []
    for page in range(MAX_EMAIL_PAGES):
        data = await source.api("GET", why.EMAILS, params=why.emails_query(program_id, page * 200))
        result = data.get("result")
        if not isinstance(result, list):
            return emails  # "No assets found": the end
        emails.extend(r for r in result if isinstance(r, dict))
        if len(result) < 200:
            return emails
    raise BadAnswerError(f"{source.name}: program {program_id} kept paging emails past {MAX_EMAIL_PAGES * 200:,}")


async def diagnose(source: MarketoSource, target: str) -> Diagnosis:
    found = await campaign(source, target)
    pid = why.the_program(found)
    prog = await program(source, pid) if pid else None
    emails = await program_emails(source, pid) if pid else []
    program_name = str((prog or {}).get("name") or "")
    limit = why.person_limit(found)
    checks = [
        why.campaign_check(found),
        *why.email_checks(emails, program_name),
        why.program_check(prog, source.now()),
        person_limit_check(limit),
        why.limits_check(found),
    ]
    return Diagnosis(
        source.name,
        str(found.get("id", target)),
        str(found.get("name") or f"campaign {target}"),
        "trigger" if found.get("type") == "trigger" else "batch",
        tuple(checks),
        url=str(found.get("computedUrl") or ""),
        person_limit=limit,
    )


async def count_audience(source: MarketoSource, target: str) -> Audience:
    known = source.known_campaign(target) or await campaign(source, target)
    smart_list = known.get("smartListId")
    if not isinstance(smart_list, int) or isinstance(smart_list, bool):
        return Audience(None, error="the campaign has no smart list id")
    jobs = ExportJobs(source.name, source.api, source.sleep, budget=source.bulk_budget)
    counted = await jobs.count({"smartListId": smart_list})
    return Audience(
        counted.records,
        await database_size(source, jobs),
        how=f"id-only bulk export of smart list {smart_list} ({counted.file_size or 0:,} bytes of the 500 MB a day)",
    )


async def database_size(source: MarketoSource, jobs: ExportJobs) -> int | None:
    """`database_size` as configured, else `database_smart_list_id` counted once a session, else None."""
    options = source.options
    if options.database_size:
        return int(options.database_size)
    if not options.database_smart_list_id:
        return None
    if source.database_people is None:
        source.database_people = (await jobs.count({"smartListId": options.database_smart_list_id})).records
    return source.database_people


# -- fixes ------------------------------------------------------------------------------------------
async def approve_email(source: MarketoSource, target: str) -> ActionOutcome:
    label = f"email {target}"
    try:
        await source.api("POST", f"/rest/asset/v1/email/{target}/approveDraft.json")
    except MarketoRefused as exc:  # Adobe validates from, reply-to and subject and says which is wrong
        return ActionOutcome(False, f"Marketo refused to approve {label}: {exc.reason} ({exc.code})")
    accepted(f"Marketo accepted the approval of {label}")
    data = await source.api("GET", f"/rest/asset/v1/email/{target}.json")
    result = data.get("result")
    email = result[0] if isinstance(result, list) and result and isinstance(result[0], dict) else None
    if email is None:
        return unconfirmed(f"Marketo accepted the approval of {label}", "re-reading it gave no email")
    name = f"email '{email.get('name') or target}'"
    if is_approved(email):
        return ActionOutcome(True, f"Approved {name}; Marketo confirms it is approved", confirmed=True)
    return ActionOutcome(False, f"Marketo accepted the approval but {name} is still {email.get('status', 'draft')}")


async def approve_program(source: MarketoSource, target: str) -> ActionOutcome:
    label = f"program {target}"
    try:
        await source.api("POST", f"/rest/asset/v1/program/{target}/approve.json")
    except MarketoRefused as exc:
        return ActionOutcome(False, f"Marketo refused to approve {label}: {exc.reason} ({exc.code})")
    accepted(f"Marketo accepted the approval of {label}")
    prog = await program(source, target)
    if prog is None:
        return unconfirmed(f"Marketo accepted the approval of {label}", "re-reading it gave no program")
    name = f"email program '{prog.get('name') or target}'"
    if str(prog.get("status", "")).lower() == "locked":
        return ActionOutcome(True, f"Approved {name}; Marketo confirms it is approved (locked)", confirmed=True)
    return ActionOutcome(False, f"Marketo accepted the approval but {name} is still {prog.get('status', 'unlocked')}")


async def schedule(source: MarketoSource, target: str) -> ActionOutcome:
    known = source.known_campaign(target)
    label = f"'{known['name']}'" if known and known.get("name") else f"campaign {target}"
    if known and known.get("type") == "trigger":
        return ActionOutcome(False, f"{label} is a trigger campaign: activate it instead")
    try:
        await source.api("POST", f"/rest/v1/campaigns/{target}/schedule.json", json={"input": {}})
    except MarketoRefused as exc:
        return ActionOutcome(False, f"Marketo refused to schedule {label}: {exc.reason} ({exc.code})")
    # confirmed by the cockpit's re-fetch; Marketo runs it five minutes from now at the earliest
    return ActionOutcome(True, f"Scheduled {label}: Marketo runs it in five minutes at the earliest")
