"""Why a HubSpot workflow won't send, and who it reaches.

Checks: the flow is on (`GET /automation/v4/flows/{id}`: `isEnabled`; turning it on is the fix),
and each marketing email it sends is published (`GET /automation/v4/flows/email-campaigns?flowId=`
gives `emailContentId`s, joined with `GET /marketing/v3/emails/{id}`: `isPublished` / `state`).
Audience: the sizes of the lists its enrollment criteria name (`GET /crm/v3/lists/{listId}`:
`size`), against the contacts in the portal (one CRM search total). Calls for one diagnosis: 2, plus
one per email; for the audience: one per list, plus one search.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mopstui.core.diagnosis import Audience, Check, Diagnosis, Fix
from mopstui.core.errors import BadAnswerError, NotFoundError

if TYPE_CHECKING:
    from mopstui.adapters.hubspot import HubSpotSource

FLOWS = "/automation/v4/flows"
EMAIL_CAMPAIGNS = "/automation/v4/flows/email-campaigns"
EMAILS = "/marketing/v3/emails"
LISTS = "/crm/v3/lists"
MAX_PAGES = 100


async def flow(source: HubSpotSource, flow_id: str) -> dict[str, Any]:
    if not flow_id.isdigit():
        raise NotFoundError(f"{source.name}: '{flow_id}' is not a HubSpot workflow id")
    try:
        found: dict[str, Any] = await source.http.get(f"{FLOWS}/{flow_id}")
    except NotFoundError:
        raise NotFoundError(
            f"{source.name}: no HubSpot workflow {flow_id} (deleted, or the token cannot see it)"
        ) from None
    return found


async def flow_email_ids(source: HubSpotSource, flow_id: str) -> list[str]:
    ids: list[str] = []
    async for results in source.pages(
        EMAIL_CAMPAIGNS, {"flowId": flow_id}, ("flow email campaigns answer", "flow emails"), MAX_PAGES
    ):
        for row in results:
            if isinstance(row, dict) and row.get("emailContentId") and str(row["emailContentId"]) not in ids:
                ids.append(str(row["emailContentId"]))
    return ids


def flow_check(body: dict[str, Any], flow_id: str) -> Check:
    if body.get("isEnabled") is True:
        return Check("flow", "ok", "The workflow is on.")
    return Check(
        "flow",
        "fail",
        "The workflow is off: nobody is enrolled, so it sends nothing.",
        Fix("activate", flow_id, "Turn the workflow on"),
    )


def email_check(email_id: str, email: dict[str, Any] | None) -> Check:
    if email is None:
        return Check(f"email:{email_id}", "fail", f"Marketing email {email_id} it sends no longer exists in HubSpot.")
    name = str(email.get("name") or f"email {email_id}")
    state = str(email.get("state") or "")
    if email.get("isPublished") is True or state in ("PUBLISHED", "AUTOMATED"):
        return Check(f"email:{email_id}", "ok", f"Marketing email '{name}' is published.")
    return Check(
        f"email:{email_id}",
        "fail",
        f"Marketing email '{name}' is not published ({state or 'draft'}): the workflow's send step sends nothing; publish it in HubSpot.",
    )


async def diagnose(source: HubSpotSource, flow_id: str) -> Diagnosis:
    body = await flow(source, flow_id)
    checks = [flow_check(body, flow_id)]
    ids = await flow_email_ids(source, flow_id)
    for email_id in ids:
        try:
            email: dict[str, Any] | None = await source.http.get(f"{EMAILS}/{email_id}")
        except NotFoundError:
            email = None
        checks.append(email_check(email_id, email))
    if not ids:
        checks.append(Check("emails", "ok", "The workflow sends no marketing email."))
    return Diagnosis(source.name, flow_id, str(body.get("name") or flow_id), "flow", tuple(checks))


def enrolled_lists(body: Any) -> Iterator[str]:
    """List ids the enrollment criteria name (filters of type IN_LIST), each once, in order."""
    seen: set[str] = set()

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if node.get("filterType") == "IN_LIST" and node.get("listId") is not None:
                yield str(node["listId"])
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for list_id in walk(body.get("enrollmentCriteria") if isinstance(body, dict) else None):
        if list_id not in seen:
            seen.add(list_id)
            yield list_id


async def count_audience(source: HubSpotSource, flow_id: str) -> Audience:
    body = await flow(source, flow_id)
    lists = list(enrolled_lists(body))
    if not lists:
        return Audience(None, error="the workflow enrols by filters, not lists: HubSpot gives no count for them")
    people = 0
    for list_id in lists:
        answer = await source.http.get(f"{LISTS}/{list_id}")
        record = answer.get("list", answer)
        size = record.get("size") if isinstance(record, dict) else None
        if not isinstance(size, int) or isinstance(size, bool):
            raise BadAnswerError(f"{source.name}: HubSpot's list {list_id} has no size")
        people += size
    how = f"sizes of list{'s' if len(lists) > 1 else ''} {', '.join(lists)}" + (
        " (a contact in two lists counts twice)" if len(lists) > 1 else ""
    )
    return Audience(people, await source.count([]), how=how)
