"""From smart campaigns and emails to workflow problems and trigger states (pure, no I/O).

Rules (see the README's Marketo section):
- `invalid` (critical): status `Invalid`, Marketo's own "broken smart list or flow" signal;
- `inactive` (critical): a trigger campaign that is not active and matches `expect_active`
  (the "was active at the previous snapshot" half is the core memory rule, fed by `states`);
- `unapproved-asset` (warning): a draft-only email (no approved version under its id) inside a
  program that has an active trigger campaign, which will then send nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from mopstui.adapters.marketo.dates import parse_marketo_date
from mopstui.core.models import WorkflowKind, WorkflowProblem, WorkflowScan, WorkflowState
from mopstui.core.patterns import matching_pattern

Campaign = Mapping[str, Any]
Email = Mapping[str, Any]


def is_trigger(campaign: Campaign) -> bool:
    return campaign.get("type") == "trigger"


def is_active(campaign: Campaign) -> bool:
    return campaign.get("isActive") is True


def program_of(record: Mapping[str, Any]) -> str | None:
    """The id of the program holding a campaign (parentProgramId) or an email (folder of type Program)."""
    if record.get("parentProgramId") is not None:
        return str(record["parentProgramId"])
    folder = record.get("folder")
    if isinstance(folder, Mapping) and str(folder.get("type", "")).lower() == "program":
        # Adobe's samples use "value" for the folder id in email answers, the Swagger says "id"
        ident = folder.get("id", folder.get("value"))
        return str(ident) if ident is not None else None
    return None


def is_approved(email: Email) -> bool:
    """An approved version ("approved with draft" is Marketo's status for an asset reporting both in one record)."""
    return str(email.get("status", "")).lower().startswith("approved")


def version_key(email: Email) -> tuple[str, bool]:
    """An email's id and whether this record is its approved version: Marketo keeps one of each."""
    return str(email.get("id")), is_approved(email)


def is_draft_only(email: Email, approved_ids: Collection[str] = frozenset()) -> bool:
    """A draft record of an email with no approved version. An approved email being edited is
    listed twice under one id (approved and draft), so a draft alone proves nothing."""
    return str(email.get("status", "")).lower() == "draft" and str(email.get("id")) not in approved_ids


def scan_campaigns(
    source: str,
    campaigns: Iterable[Campaign],
    emails: Iterable[Email],
    expect_active: Sequence[str],
) -> WorkflowScan:
    campaigns = sorted(campaigns, key=lambda c: str(c.get("name", "")).lower())
    emails = list(emails)
    program_names = _program_names(emails)
    problems: list[WorkflowProblem] = []
    states: list[WorkflowState] = []
    for c in campaigns:
        cid, name = str(c.get("id")), str(c.get("name", "")) or f"campaign {c.get('id')}"
        kind: WorkflowKind = "trigger" if is_trigger(c) else "batch"
        url = str(c.get("computedUrl") or "")
        program = program_names.get(program_of(c) or "", "")
        since = parse_marketo_date(c.get("updatedAt"))
        common = dict(source=source, id=cid, name=name, kind=kind, since=since, url=url, program=program)
        if kind == "trigger":
            active = is_active(c)
            states.append(
                WorkflowState(
                    source, cid, name, "trigger", active, url, ("deactivate",) if active else ("activate",), program
                )
            )
        if c.get("status") == "Invalid":
            problems.append(
                WorkflowProblem(
                    problem="invalid",
                    severity="critical",
                    detail="Marketo marks it Invalid: a smart list rule or flow step is broken (often a deleted asset); open it and fix the red rule.",
                    **common,  # type: ignore[arg-type]
                )
            )
            continue
        pattern = matching_pattern(name, expect_active) if kind == "trigger" and not is_active(c) else None
        if pattern is not None:
            problems.append(
                WorkflowProblem(
                    problem="inactive",
                    severity="critical",
                    detail=f"Trigger campaign is not active but should be (expect_active '{pattern}'): people who qualify are not processed.",
                    actions=("activate",),
                    **common,  # type: ignore[arg-type]
                )
            )
    problems.extend(_unapproved(source, campaigns, emails, program_names))
    return WorkflowScan(problems, states)


def _program_names(emails: Iterable[Email]) -> dict[str, str]:
    """Program id -> name, from the email folders (which name their program): no extra call."""
    names: dict[str, str] = {}
    for e in emails:
        pid = program_of(e)
        folder = e.get("folder")
        if pid and isinstance(folder, Mapping) and folder.get("folderName"):
            names[pid] = str(folder["folderName"])
    return names


def _unapproved(
    source: str, campaigns: Sequence[Campaign], emails: Sequence[Email], program_names: Mapping[str, str]
) -> list[WorkflowProblem]:
    """One warning per program with an active trigger campaign and draft-only emails.

    The API does not expose flow steps, so we cannot tell which campaign sends which email: the
    warning goes on the program's first active trigger campaign (by name) and names the emails.
    """
    approved = {str(e.get("id")) for e in emails if is_approved(e)}
    drafts: dict[str, dict[str, str]] = defaultdict(dict)  # program -> email id -> name
    for e in emails:
        pid = program_of(e)
        if pid and is_draft_only(e, approved):
            drafts[pid][str(e.get("id"))] = str(e.get("name", "")) or f"email {e.get('id')}"
    out: list[WorkflowProblem] = []
    seen: set[str] = set()
    for c in campaigns:  # already sorted by name
        pid = program_of(c)
        if not pid or pid in seen or pid not in drafts or not (is_trigger(c) and is_active(c)):
            continue
        if c.get("status") == "Invalid":
            continue
        seen.add(pid)
        names = sorted(drafts[pid].values())
        shown = ", ".join(f"'{n}'" for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        noun = "Email" if len(names) == 1 else "Emails"
        verb = "is" if len(names) == 1 else "are"
        out.append(
            WorkflowProblem(
                source=source,
                id=str(c.get("id")),
                name=str(c.get("name", "")),
                kind="trigger",
                problem="unapproved-asset",
                severity="warning",
                detail=f"{noun} {shown} in this active program {verb} still draft-only: a Send Email step with it sends nothing until approved.",
                since=parse_marketo_date(c.get("updatedAt")),
                url=str(c.get("computedUrl") or ""),
                program=program_names.get(pid, ""),
            )
        )
    return out
