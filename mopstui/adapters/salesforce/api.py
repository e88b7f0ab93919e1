"""`SalesforceApi`: the OAuth client credentials token, the REST calls, and Salesforce's error codes.

Salesforce answers an error with a JSON list of `{"errorCode", "message"}` (REST API Developer
Guide, "Status Codes and Error Responses"); the token endpoint with `{"error", "error_description"}`
(OAuth 2.0 Client Credentials Flow for Server-to-Server Integration). A 401 `INVALID_SESSION_ID`
means the token expired or was revoked: one new token is asked for and the call made again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from mopstui.adapters.http import HttpClient, HttpPolicy, HttpSource, excerpt
from mopstui.adapters.salesforce.options import SalesforceOptions
from mopstui.core.errors import AuthError, BadAnswerError, NotFoundError, QuotaError, SourceError
from mopstui.core.redact import register_secret

TOKEN_PATH = "/services/oauth2/token"
#: How long to stop calling after REQUEST_LIMIT_EXCEEDED: the daily allowance is a rolling 24 h.
LIMIT_PAUSE_SECONDS = 3600.0
#: Pages of a REST query answer followed at most (2,000 records each): audit rows are capped below.
MAX_QUERY_PAGES = 50


class SessionExpired(AuthError):
    """401 INVALID_SESSION_ID: the access token is no longer valid (renewed once, then reported)."""


def error_code(data: Any) -> tuple[str, str]:
    """(errorCode, message) of a Salesforce error body, ("", "") when it has none."""
    if isinstance(data, list) and data and isinstance(data[0], dict):
        first = data[0]
        return str(first.get("errorCode") or ""), excerpt(str(first.get("message") or ""), 160)
    if isinstance(data, dict):
        if "error" in data:
            return str(data.get("error") or ""), excerpt(str(data.get("error_description") or ""), 160)
        if "errorCode" in data:
            return str(data.get("errorCode") or ""), excerpt(str(data.get("message") or ""), 160)
    return "", ""


class SalesforceApi(HttpSource):
    """The HTTP side of a Salesforce source: `call` adds the bearer token and renews it once."""

    options: SalesforceOptions
    secret_fields = ("client_secret",)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._token = ""

    @property
    def data_path(self) -> str:
        """`/services/data/vXX.X`, the root of every REST and Bulk API 2.0 call."""
        return f"/services/data/{self.options.api_version}"

    def build_client(self) -> HttpClient:
        fix = f"run `mopstui auth set {self.name} client_secret`"
        return self.make_client(
            self.options.instance_url,
            # Salesforce limits calls per 24 h, not per second; stay gentle all the same.
            policy=HttpPolicy(max_calls=20, per_seconds=1.0, max_concurrency=4, read_timeout=60.0),
            headers={"Accept": "application/json"},
            response_hook=self._classify,
            auth_hint=f"check client_id and {fix}",
            access_hint="give the connected app's run-as user the API Enabled permission and access to the objects",
        )

    # -- answers ----------------------------------------------------------------------------------
    def _classify(self, response: httpx.Response, data: Any) -> None:
        status = response.status_code
        if status < 400:
            return
        code, message = error_code(data)
        said = f"{code}: {message}" if message else code
        if response.request.url.path == TOKEN_PATH:
            raise AuthError(
                f"{self.name}: Salesforce refused the client credentials ({said or f'HTTP {status}'}); "
                f"check client_id, run `mopstui auth set {self.name} client_secret`, and that the connected app "
                "enables the client credentials flow with a run-as user"
            )
        if code == "INVALID_SESSION_ID":
            raise SessionExpired(
                f"{self.name}: Salesforce says the session is invalid (INVALID_SESSION_ID) even with a new token; "
                "check the connected app's session policies and its run-as user"
            )
        if code == "REQUEST_LIMIT_EXCEEDED":
            resume_at = self.clock() + LIMIT_PAUSE_SECONDS
            error = QuotaError(
                f"{self.name}: Salesforce's API request limit is spent (REQUEST_LIMIT_EXCEEDED: {message or 'limit'}); "
                "it frees up over a rolling 24 h; no calls for an hour"
            )
            raise self.http.stop_calls(error, lambda: self.clock() >= resume_at)
        if code and status not in (401, 403, 404):
            raise SourceError(
                f"{self.name}: Salesforce answered {said} (HTTP {status} for {response.request.url.path})"
            )

    # -- calls ------------------------------------------------------------------------------------
    async def token(self) -> str:
        """The access token, asked for with the client credentials flow when there is none."""
        if not self._token:
            answer = await self.http.post(
                TOKEN_PATH,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.options.client_id,
                    "client_secret": self.secret("client_secret"),
                },
            )
            token = answer.get("access_token")
            if not isinstance(token, str) or not token:
                raise BadAnswerError(f"{self.name}: Salesforce's token answer has no access_token")
            register_secret(token)
            self._token = token
        return self._token

    async def call(self, method: str, path: str, **kw: Any) -> Any:
        """One API call with the bearer token; on INVALID_SESSION_ID a new token, and one more try."""
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {await self.token()}", **kw.pop("headers", {})}
            try:
                return await self.http.request(method, path, headers=headers, **kw)
            except SessionExpired:
                self._token = ""
                if attempt == 2:
                    raise
                kw["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
        raise AssertionError("unreachable")

    async def query(self, soql: str) -> list[dict[str, Any]]:
        """Every record of a REST query (`GET .../query?q=`), following `nextRecordsUrl`."""
        answer = await self.call("GET", f"{self.data_path}/query/", params={"q": soql})
        records: list[dict[str, Any]] = []
        for _ in range(MAX_QUERY_PAGES):
            page = answer.get("records")
            if not isinstance(page, list):
                raise BadAnswerError(f"{self.name}: Salesforce's query answer has no records")
            records.extend(r for r in page if isinstance(r, dict))
            nxt = answer.get("nextRecordsUrl")
            if answer.get("done", True) or not isinstance(nxt, str) or not nxt.startswith(self.data_path):
                return records
            answer = await self.call("GET", nxt)
        return records

    async def count(self, soql: str) -> int:
        """`totalSize` of a `SELECT COUNT() ...` query."""
        answer = await self.call("GET", f"{self.data_path}/query/", params={"q": soql})
        total = answer.get("totalSize")
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise BadAnswerError(f"{self.name}: Salesforce's count answer has no totalSize")
        return total

    async def field_names(self, sobject: str) -> list[str]:
        """The object's field API names, from `GET .../sobjects/{object}/describe`."""
        try:
            answer = await self.call("GET", f"{self.data_path}/sobjects/{quote(sobject)}/describe/")
        except NotFoundError:
            raise SourceError(
                f"{self.name}: Salesforce has no object {sobject!r} (or the run-as user cannot see it); check objects"
            ) from None
        fields = answer.get("fields")
        if not isinstance(fields, list):
            raise BadAnswerError(f"{self.name}: Salesforce's describe of {sobject} has no fields")
        return [str(f["name"]) for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]
