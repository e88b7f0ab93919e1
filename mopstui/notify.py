"""`mopstui check --notify`: a summary to a Slack incoming webhook, only when something is new or worse.

The webhook URL is a secret: it comes from `credentials.resolve("notify", "slack_webhook")` (for now the
`MOPSTUI_NOTIFY_SLACK_WEBHOOK` environment variable), is registered for redaction, and never appears
in any message.
"""

from __future__ import annotations

from typing import Any

import httpx

from mopstui.core.errors import MopstuiError
from mopstui.core.redact import redact, register_secret
from mopstui.core.safe_text import visible
from mopstui.report import STATUS_RANK, Report

#: Tests replace this with an httpx.MockTransport; None means the real network.
TRANSPORT: httpx.BaseTransport | None = None
TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_ITEMS = 5
_ICONS = {"critical": ":red_circle:", "warning": ":large_orange_circle:", "info": ":white_circle:"}


class NotifyError(MopstuiError):
    """The post did not go through; str() is one line without the URL."""


def worse_or_new(report: Report, previous_status: str | None) -> list[str]:
    """Why this check is worth a message: new items, a worse status, quality counts going up."""
    reasons = []
    new = report.counts()["new"]
    if new:
        reasons.append(f"{new} new")
    if previous_status is None or STATUS_RANK.get(report.status, 0) > STATUS_RANK.get(previous_status, 0):
        if report.status != "ok":
            reasons.append(f"status {report.status}" + (f" (was {previous_status})" if previous_status else ""))
    worse = [m for m in report.metrics if m.severity in ("warning", "critical") and (report.delta(m) or 0) > 0]
    if worse:
        reasons.append(f"{len(worse)} quality counts up")
    return reasons


def _esc(text: str) -> str:
    """Platform text for Slack mrkdwn: on one line, no control characters, and &, < and > (Slack's
    own control characters) escaped so a title cannot forge a link or a mention."""
    return visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link(text: str, url: str) -> str:
    """`<url|text>`; a `|` or a space in the URL is percent-encoded, so the URL cannot end early and
    make the rest of it the link's text. Only http(s) URLs become links."""
    if not url.lower().startswith(("https://", "http://")):
        return _esc(text)
    target = _esc(url).replace("|", "%7C").replace(" ", "%20")
    return f"<{target}|{_esc(text)}>"


def slack_payload(report: Report, max_items: int = DEFAULT_MAX_ITEMS) -> dict[str, Any]:
    """`{"text": ...}`: counts, the top new items with links, quality counts that went up, failures."""
    c = report.counts()
    lines = [
        f"*mopstui check: {report.status.upper()}*",
        f"{c['critical']} critical · {c['warning']} warning workflow problems · {c['requests']} open requests "
        f"({c['overdue']} overdue) · {c['quality']} quality metrics over threshold",
    ]
    new_items: list[str] = []
    for p in report.problems:
        if report.is_new(p.key):
            new_items.append(
                f"{_ICONS.get(p.severity, '')} {_link(p.name, p.url)}: {_esc(p.problem)}: {_esc(p.detail)}".strip()
            )
    for q in report.requests:
        if report.is_new(q.key):
            flag = ", overdue" if q.overdue else ""
            new_items.append(f":inbox_tray: {_link(f'{q.id} {q.title}', q.url)} ({_esc(q.priority)}{flag})")
    if new_items:
        lines.append(f"*New since last check ({len(new_items)}):*")
        lines += [f"• {item}" for item in new_items[:max_items]]
        if len(new_items) > max_items:
            lines.append(f"…and {len(new_items) - max_items} more")
    up = [m for m in report.metrics if (report.delta(m) or 0) > 0 and m.severity in ("warning", "critical")]
    if up:
        lines.append(
            "*Worse data quality:* "
            + ", ".join(f"{_esc(m.label)} {m.count} ({report.delta(m):+d})" for m in up[:max_items])
        )
    for r in report.failed:
        lines.append(f":warning: {_esc(r.name)} failed: {_esc(redact(r.status.error))}")
    if report.resolved:
        lines.append(f"Resolved since last check: {len(report.resolved)}")
    return {"text": "\n".join(lines)}


def post_slack(url: str, payload: dict[str, Any], *, transport: httpx.BaseTransport | None = None) -> None:
    """POST the payload to the webhook; raise NotifyError (one line, no URL) unless Slack says ok."""
    register_secret(url)  # whoever passed it: its path may come back in an error page
    try:
        with httpx.Client(transport=transport or TRANSPORT, timeout=TIMEOUT_SECONDS) as client:
            response = client.post(url, json=payload)
    except httpx.TimeoutException:
        raise NotifyError(f"Slack did not answer within {TIMEOUT_SECONDS:g} s") from None
    except httpx.HTTPError as exc:
        # httpx messages can carry the URL: keep only the kind of failure
        raise NotifyError(f"could not reach Slack ({type(exc).__name__})") from None
    except (httpx.InvalidURL, ValueError):  # the message quotes the URL
        raise NotifyError("the Slack webhook is not a valid URL: check MOPSTUI_NOTIFY_SLACK_WEBHOOK") from None
    if response.status_code != 200:
        # redacted before it is cut: a cut could keep the first half of a secret where redact cannot see it
        body = visible(redact(response.text.strip().splitlines()[0]))[:80] if response.text.strip() else "no body"
        raise NotifyError(f"Slack answered {response.status_code} ({body})")
