"""The fake Marketo's programs, email approval and batch scheduling (bulk exports: fakes.marketo_bulk).

A mixin of `fakes.marketo.FakeMarketo` (its `route_more` is asked before the campaign routes).
Every behaviour cites Adobe's page in shared/reference/marketo/ (copied under tests/contracts/).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import httpx

NO_ASSETS = "No assets found for the given search criteria."

#: emails.md, "Approve": "The `from name`, `from email`, `reply to email`, and `subject` must be
#: populated before approval." The docs give no refusal sample: code 709 is error-codes.md's
#: "Business Rule Violation"; the message names the empty field as the UI's approval check does.
APPROVAL_FIELDS = {
    "fromName": "From Name",
    "fromEmail": "From Email",
    "replyEmail": "Reply Email",
    "subject": "Subject",
}


class MoreMarketo:
    """Programs, approvals and schedules; state lives on the FakeMarketo."""

    now: datetime

    def init_more(self) -> None:
        self.programs: dict[int, dict[str, Any]] = {}
        self.scheduled: list[int] = []

    # -- building -------------------------------------------------------------------------------
    def add_program(
        self, name: str, *, id: int, type: str = "Email", status: str = "unlocked", start: datetime | None = None
    ) -> dict[str, Any]:
        """A program as programs.json lists it (swagger ProgramResponse: status locked/unlocked/on/off,
        "Only valid for Email and engagement program types"; startDate for email programs)."""
        from fakes.marketo import marketo_date  # (imported late: fakes.marketo imports this module)

        program: dict[str, Any] = {
            "id": id,
            "name": name,
            "description": "",
            "createdAt": marketo_date(self.now - timedelta(days=10)),
            "updatedAt": marketo_date(self.now - timedelta(days=1)),
            "url": f"https://app-sjqe.marketo.com/#ME{id}A1",
            "type": type,
            "channel": "Email Send",
            "folder": {"type": "Folder", "value": 12, "folderName": "Campaigns"},
            "status": status if type in ("Email", "Engagement") else "",
            "workspace": "Default",
            "tags": [],
            "costs": [],
        }
        if start is not None:
            program["startDate"] = marketo_date(start)
        self.programs[id] = program
        return program

    # -- routes ---------------------------------------------------------------------------------
    def route_more(self, request: httpx.Request) -> httpx.Response | None:
        method, path, params = request.method, request.url.path, dict(request.url.params)
        if method == "GET" and path == "/rest/asset/v1/programs.json":
            rows = [self.programs[k] for k in sorted(self.programs)]
            if params.get("filterType") == "id":
                wanted = {int(v) for v in params.get("filterValues", "").split(",") if v}
                rows = [r for r in rows if r["id"] in wanted]
            return self._browse(rows, params)
        if method == "GET" and path == "/rest/asset/v1/emails.json" and "folder" in params:
            folder = json.loads(params["folder"])  # emails.md "Browse": `folder`, a JSON object with id and type
            rows = [r for r in self.email_records() if r["folder"]["value"] == folder["id"]]
            return self._browse(rows, params)
        match = re.fullmatch(r"/rest/asset/v1/program/(\d+)\.json", path)
        if match and method == "GET":  # Get Program by Id: one ProgramResponse, or the "No assets" warning
            program = self.programs.get(int(match.group(1)))
            return self._ok([program]) if program else self._ok(None, warnings=[NO_ASSETS])
        match = re.fullmatch(r"/rest/asset/v1/email/(\d+)(/approveDraft)?\.json", path)
        if match:
            return self._email(method, int(match.group(1)), bool(match.group(2)))
        match = re.fullmatch(r"/rest/asset/v1/program/(\d+)/approve\.json", path)
        if match and method == "POST":
            return self._approve_program(int(match.group(1)))
        match = re.fullmatch(r"/rest/v1/campaigns/(\d+)/schedule\.json", path)
        if match and method == "POST":
            return self._schedule(int(match.group(1)))
        return None

    def _email(self, method: str, eid: int, approve: bool) -> httpx.Response:
        email = self.emails.get(eid)
        if email is None:
            return self._error("610")
        if not approve and method == "GET":
            # emails.md "Get Email by Id": the approved version for an approved email, else the draft
            return self._ok([email])
        draft = self.email_drafts.get(eid) or email
        if draft["status"] != "draft":
            return self._error("709", "Email has no draft to approve")
        for key, words in APPROVAL_FIELDS.items():
            field = draft.get(key) or {}
            if not str(field.get("value") or "").strip():
                return self._error("709", f"Cannot approve email: {words} is empty")
        approved = dict(draft, status="approved")
        self.emails[eid] = approved
        self.email_drafts.pop(eid, None)
        return self._ok([{"id": eid}])

    def _approve_program(self, pid: int) -> httpx.Response:
        program = self.programs.get(pid)
        if program is None:
            return self._error("610")
        # An email program whose email is still a draft cannot be approved (the UI's rule; 709)
        drafts = [e for e in self.emails.values() if e["folder"]["value"] == pid and e["status"] == "draft"]
        if drafts:
            return self._error("709", f"Cannot approve program: email '{drafts[0]['name']}' is not approved")
        program["status"] = "locked"
        return self._ok([{"id": pid}])

    def _schedule(self, cid: int) -> httpx.Response:
        campaign = self.campaigns.get(cid)
        if campaign is None:
            return self._error("610")
        if campaign["type"] != "batch":
            return self._error("709", "Cannot schedule a trigger campaign")
        self.scheduled.append(cid)
        self.touch(cid, status="Single Run")
        return self._ok([{"id": cid}])
