"""HubSpot `quality_export = true`: a CRM contacts export, counted by the file rules.

HubSpot's Exports API (developers.hubspot.com, "CRM API | Exports"): `POST /crm/v3/exports/export/async`
with `exportType: VIEW`, `objectType: CONTACT`, `objectProperties`, `format: CSV` and
`exportInternalValuesOptions: [NAMES, VALUES]` (headers and values as internal names) answers
`{"id"}`; `GET /crm/v3/exports/export/async/tasks/{taskId}/status` answers `status` PENDING,
PROCESSING, COMPLETE or CANCELED, and with COMPLETE a `result`: the URL of the file, fetched
without our token (it is signed). A large export comes zipped. The file goes to the user cache dir
(0600, replacing the last export) and is counted by the `file` source's own code. Until the first
export is in, the source keeps its search-total counts.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mopstui.adapters.files import FileOptions, FileSource, age_hours
from mopstui.core.errors import BadAnswerError, SourceError
from mopstui.core.models import QualityMetric
from mopstui.core.private import open_private, private_dir
from mopstui.core.source import SourceContext

EXPORT = "/crm/v3/exports/export/async"
#: Our field -> HubSpot's internal contact property name.
DEFAULT_PROPERTIES = {
    "email": "email",
    "first_name": "firstname",
    "last_name": "lastname",
    "unsubscribed": "hs_email_optout",
}
EXPORT_EVERY_HOURS = 24.0
#: The largest export file taken (a few million contacts of a handful of properties).
MAX_FILE_BYTES = 2 << 30

Api = Callable[..., Awaitable[Any]]
#: download(url, dest): the signed file URL into `dest`, without the token.
Download = Callable[[str, Path], Awaitable[None]]


class ContactsExport:
    """One HubSpot source's export task, and the file source counting its file."""

    def __init__(
        self,
        name: str,
        api: Api,
        download: Download,
        required: list[str],
        cache: Path,
        context: SourceContext,
        *,
        now: Callable[[], datetime],
        today: Callable[[], date] = date.today,
    ) -> None:
        self.name, self.api, self.download, self.cache, self.now = name, api, download, cache, now
        self.properties = {**DEFAULT_PROPERTIES, **{p: p for p in required if p not in DEFAULT_PROPERTIES}}
        self.file = cache / "contacts.csv"
        self.task_id = ""
        self.status = ""
        options = FileOptions(path=str(self.file), columns=dict(self.properties), required_fields=list(required))
        self.counter = FileSource(name, options, SourceContext(state_dir=context.state_dir), today=today)

    async def fetch(self) -> list[QualityMetric] | None:
        """The export's counts, or None while there is no export yet (the caller counts by search)."""
        age = age_hours(self.file, self.now())
        if not self.task_id and (age is None or age >= EXPORT_EVERY_HOURS):
            answer = await self.api(
                "POST",
                EXPORT,
                json={
                    "exportType": "VIEW",
                    "format": "CSV",
                    "exportName": f"mopstui data quality ({self.name})",
                    "objectType": "CONTACT",
                    "objectProperties": list(dict.fromkeys(self.properties.values())),
                    "language": "EN",
                    "exportInternalValuesOptions": ["NAMES", "VALUES"],
                },
                idempotent=False,
            )
            task = answer.get("id")
            if not isinstance(task, (str, int)) or isinstance(task, bool) or not str(task):
                raise BadAnswerError(f"{self.name}: HubSpot's export answer has no id")
            self.task_id = str(task)
        if self.task_id:
            await self._poll()
        if not self.file.exists():
            return None
        metrics = await self.counter.fetch_quality()
        if not self.task_id and metrics:
            self.status = (
                f"{metrics[0].total or 0:,} contacts exported {age_hours(self.file, self.now()) or 0:.0f} h ago"
            )
        return metrics

    async def _poll(self) -> None:
        task = re.sub(r"[^0-9A-Za-z-]", "", self.task_id)
        answer = await self.api("GET", f"{EXPORT}/tasks/{task}/status")
        status = str(answer.get("status") or "")
        if status in ("PENDING", "PROCESSING"):
            self.status = f"HubSpot export {status.lower()}"
            return
        if status == "CANCELED":
            self.task_id = ""
            raise SourceError(
                f"{self.name}: HubSpot canceled the contacts export {task}; the next refresh starts a new one"
            )
        if status != "COMPLETE":
            raise BadAnswerError(f"{self.name}: HubSpot's export task {task} has an unknown status {status[:40]!r}")
        url = answer.get("result")
        if not isinstance(url, str) or urlsplit(url).scheme != "https":
            raise BadAnswerError(f"{self.name}: HubSpot's finished export {task} links no https file")
        private_dir(self.cache)
        raw = self.file.with_name("contacts.download")
        part = self.file.with_name(self.file.name + ".part")
        try:
            await self.download(url, raw)
            if zipfile.is_zipfile(raw):  # big exports come zipped: the CSV inside
                with zipfile.ZipFile(raw) as archive:
                    members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
                    if len(members) != 1:
                        raise BadAnswerError(f"{self.name}: HubSpot's export archive holds {len(members)} CSV files")
                    with archive.open(members[0]) as src, open_private(part, "wb") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
            else:
                raw.replace(part)
            part.replace(self.file)  # supersedes the last export
            stamp = self.now().timestamp()
            os.utime(self.file, (stamp, stamp))
        finally:
            raw.unlink(missing_ok=True)
            part.unlink(missing_ok=True)
        self.task_id = ""
        self.status = ""
