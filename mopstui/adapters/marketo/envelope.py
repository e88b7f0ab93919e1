"""Marketo's answer envelope: HTTP 200 with `success: false` is the normal failure, coded 6xx/7xx.

`classify` is the HTTP layer's response hook for every REST call: it turns the envelope into our
error types, marks the codes Adobe says to retry as transient, and leaves the rest to the default
mapping. Codes and advice are from Adobe's error-code reference.
"""

from __future__ import annotations

from typing import Any

import httpx

from mopstui.adapters.http import NO_JSON, Transient, excerpt
from mopstui.core.errors import (
    AuthError,
    BadAnswerError,
    NotFoundError,
    QuotaError,
    RateLimitError,
    SourceError,
    UnreachableError,
)

#: Retry with backoff: the request was not executed (6xx) or hit a passing condition.
TRANSIENT_CODES = frozenset({"502", "604", "606", "608", "611", "615", "713"})
#: Too fast for the instance (606: calls per 20 s; 615: concurrent calls): slow the whole source.
SLOW_DOWN_CODES = frozenset({"606", "615"})
#: "System error": Adobe asks for it to be retried sparingly.
SPARING_CODES = {"611": 1}
#: The access token is invalid (601) or expired (602): re-authenticate once and retry.
TOKEN_CODES = frozenset({"601", "602"})
QUOTA_CODE = "607"
QUOTA_MESSAGE = "daily API quota reached; resets at midnight US Central"
NO_ASSETS = "No assets found"


class TokenRejected(AuthError):
    """601/602: the caller should fetch a new token and retry once."""


class MarketoRefused(SourceError):
    """A response-level error Marketo will not change its mind about (603, 610, 709, 1003...)."""

    def __init__(self, message: str, code: str, reason: str) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason


def first_error(data: dict[str, Any]) -> tuple[str, str]:
    """The code and message of the envelope's first error, as strings ("" when absent)."""
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("code", "")), str(errors[0].get("message", "") or "")
    return "", ""


def needed_permission(path: str) -> str:
    """The role permission Adobe's endpoint reference names for the calls we make ("Required Permissions")."""
    if path.endswith("/activate.json"):
        return "the Activate Campaign permission"
    if path.endswith("/deactivate.json"):
        return "the Deactivate Campaign permission"
    if "/rest/asset/" in path:
        return "the Read-Only Assets (or Read-Write Assets) permission"
    return "the permissions this call needs"


def make_classifier(source: str):  # type: ignore[no-untyped-def]
    """The response hook for `source`'s REST calls (identity calls bypass it)."""

    def say(kind: type[SourceError], text: str) -> SourceError:
        return kind(f"{source}: {text}")

    def classify(response: httpx.Response, data: Any) -> None:
        if response.status_code != 200 or data is NO_JSON or not isinstance(data, dict):
            return  # HTTP errors and garbage: the default mapping says it well
        success = data.get("success")
        if success is True:
            return
        if success is not False:
            raise say(BadAnswerError, f"Marketo's answer to {response.url.path} has no success flag")
        code, message = first_error(data)
        reason = excerpt(message, 160) or "no reason given"
        if code in TOKEN_CODES:
            raise TokenRejected(f"{source}: Marketo rejected the access token ({code} {reason})")
        if code == QUOTA_CODE:
            raise QuotaError(f"{source}: {QUOTA_MESSAGE}")
        if code in TRANSIENT_CODES:
            kind = RateLimitError if code in SLOW_DOWN_CODES else UnreachableError
            raise Transient(
                say(kind, f"Marketo is busy ({code} {reason}) in a minute"),
                max_retries=SPARING_CODES.get(code),
                slow_down=code in SLOW_DOWN_CODES,
            )
        if code == "603":
            raise say(
                AuthError,
                f"Marketo denied access to {response.url.path} (603 {reason}); ask your Marketo admin to give the API user's role {needed_permission(response.url.path)}, or check the IP allowlist",
            )
        if code == "610":
            raise say(NotFoundError, f"Marketo has no such resource ({response.url.path}, 610)")
        if not code:
            raise say(BadAnswerError, f"Marketo answered success=false without an error code for {response.url.path}")
        raise MarketoRefused(f"{source}: Marketo refused: {reason} ({code})", code, reason)

    return classify


def no_assets(data: dict[str, Any]) -> bool:
    """True for the success answer that ends paging ("No assets found for the given search criteria.")."""
    warnings = data.get("warnings")
    if isinstance(warnings, list):
        return any(isinstance(w, str) and NO_ASSETS in w for w in warnings)
    return False
