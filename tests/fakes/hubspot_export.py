"""FakeHubSpot with the CRM Exports API (developers.hubspot.com, "CRM API | Exports").

- `POST /crm/v3/exports/export/async` (scope `crm.export`) answers `{"id": "<taskId>", "links": {}}`.
- `GET /crm/v3/exports/export/async/tasks/{taskId}/status` answers `status` PENDING, PROCESSING,
  COMPLETE (with `result`, the file's URL) or CANCELED ("Retrieve export status"); the fake moves
  one state per poll.
- The file lives on another host behind a signed URL, served without a token; with
  `exportInternalValuesOptions: [NAMES, VALUES]` its headers are internal property names; a big
  export comes as a ZIP holding the CSV (`zipped`).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import httpx

from fakes.hubspot import FakeHubSpot, error

FILE_HOST = "export-files.hubspot.test"


class FakeHubSpotExport(FakeHubSpot):
    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.tasks: dict[str, dict[str, Any]] = {}
        self.zipped = False
        self.cancel = False
        #: Requests for the file, to check none carries the token.
        self.file_requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == FILE_HOST:
            self.file_requests.append(request)
            task = self.tasks.get(request.url.path.rsplit("/", 1)[-1].removesuffix(".csv"))
            if task is None or request.url.params.get("signature") != "s1gn3d":
                return httpx.Response(403, content=b"<Error>AccessDenied</Error>")
            return httpx.Response(200, content=self._file(task))
        return super().handle(request)

    def serve(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.headers.get("authorization") == f"Bearer {self.token}":
            if path == "/crm/v3/exports/export/async" and request.method == "POST":
                body = json.loads(request.content)
                task_id = str(41_000 + len(self.tasks))
                self.tasks[task_id] = {"body": body, "status": "PENDING"}
                return httpx.Response(202, json={"id": task_id, "links": {}})
            if path.startswith("/crm/v3/exports/export/async/tasks/") and path.endswith("/status"):
                task = self.tasks.get(path.split("/")[-2])
                if task is None:
                    return error(404, "Export not found", "OBJECT_NOT_FOUND")
                task["status"] = {
                    "PENDING": "PROCESSING",
                    "PROCESSING": "CANCELED" if self.cancel else "COMPLETE",
                }.get(task["status"], task["status"])
                answer: dict[str, Any] = {
                    "status": task["status"],
                    "requestedAt": "2026-03-02T10:00:00Z",
                    "startedAt": "2026-03-02T10:00:01Z",
                    "completedAt": "2026-03-02T10:01:00Z",
                    "links": {},
                }
                if task["status"] == "COMPLETE":
                    answer["result"] = f"https://{FILE_HOST}/files/{path.split('/')[-2]}.csv?signature=s1gn3d"
                return httpx.Response(200, json=answer)
        return super().serve(request)

    def _file(self, task: dict[str, Any]) -> bytes:
        props = task["body"]["objectProperties"]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(props)
        for contact in self.contacts:
            writer.writerow([contact.get(p, "") for p in props])
        data = out.getvalue().encode()
        if not self.zipped:
            return data
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w") as archive:
            archive.writestr("contacts-export.csv", data)
        return packed.getvalue()
