"""The headless report of `mopstui check`: overall status, the JSON contract, text and markdown.

Status follows the monitoring-plugin convention. Findings: a workflow problem or a quality metric
of severity critical or warning; an overdue request counts as a warning (a breached SLA wants a
person's attention, but never pages anyone as critical). `info` problems never change the status:
JSON lists them, the text and markdown reports count them ("3 info").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mopstui.core.memory import ChangedItem
from mopstui.core.models import (
    PRIORITY_RANK,
    SEVERITY_RANK,
    QualityMetric,
    Request,
    WorkflowProblem,
)
from mopstui.core.safe_text import visible as _v
from mopstui.core.service import SourceResult

EXIT_CODES: dict[str, int] = {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}
#: How bad a status is, for "worse than last time".
STATUS_RANK: dict[str, int] = {"ok": 0, "warning": 1, "unknown": 2, "critical": 3}


@dataclass(frozen=True)
class Report:
    """One check: every source's result (annotated by memory) and what was resolved since last time."""

    generated_at: datetime
    results: list[SourceResult]
    resolved: list[ChangedItem] = field(default_factory=list)
    #: True when the report is of the built-in demo workspace: every item in it is invented.
    demo: bool = False

    @property
    def status(self) -> str:
        return overall_status(self.results)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def problems(self) -> list[WorkflowProblem]:
        items = [p for r in self.results for p in r.problems]
        return sorted(items, key=lambda p: (SEVERITY_RANK.get(p.severity, 9), p.source, p.name.lower(), p.id))

    @property
    def requests(self) -> list[Request]:
        items = [q for r in self.results for q in r.requests]
        return sorted(items, key=lambda q: (not q.overdue, PRIORITY_RANK.get(q.priority, 9), q.created, q.source, q.id))

    @property
    def metrics(self) -> list[QualityMetric]:
        items = [m for r in self.results for m in r.metrics]
        return sorted(items, key=lambda m: (SEVERITY_RANK.get(m.severity, 9), m.source, m.metric))

    @property
    def listed_problems(self) -> list[WorkflowProblem]:
        """The problems the text and Markdown reports list: all but the `info` ones seen before."""
        return [p for p in self.problems if p.severity != "info" or self.is_new(p.key)]

    def is_new(self, key: str) -> bool:
        return any(key in r.new_keys for r in self.results)

    def delta(self, metric: QualityMetric) -> int | None:
        for r in self.results:
            if r.name == metric.source:
                return r.deltas.get(metric.metric)
        return None

    @property
    def failed(self) -> list[SourceResult]:
        return [r for r in self.results if r.status.state != "ok"]

    def counts(self) -> dict[str, int]:
        problems, requests, metrics = self.problems, self.requests, self.metrics
        return {
            "critical": sum(p.severity == "critical" for p in problems),
            "warning": sum(p.severity == "warning" for p in problems),
            "info": sum(p.severity == "info" for p in problems),
            "requests": len(requests),
            "overdue": sum(q.overdue for q in requests),
            "quality": sum(m.severity in ("critical", "warning") for m in metrics),
            "new": sum(self.is_new(p.key) for p in problems) + sum(self.is_new(q.key) for q in requests),
        }


def overall_status(results: Iterable[SourceResult]) -> str:
    """critical > unknown (a source failed) > warning > ok."""
    results = list(results)
    severities = [p.severity for r in results for p in r.problems] + [m.severity for r in results for m in r.metrics]
    if "critical" in severities:
        return "critical"
    if any(r.status.state != "ok" for r in results):
        return "unknown"
    if "warning" in severities or any(q.overdue for r in results for q in r.requests):
        return "warning"
    return "ok"


# -- JSON -----------------------------------------------------------------------------------------
def to_json(report: Report) -> dict[str, Any]:
    """The documented contract (README: Headless check). Add fields only, never rename."""
    return {
        "generated_at": _iso(report.generated_at),
        "status": report.status,
        "demo": report.demo,
        "sources": [
            {
                "name": r.name,
                "kind": r.status.kind,
                "ok": r.status.state == "ok",
                "error": r.status.error or None,
                "calls": r.status.calls,
                "fetched_at": _iso(r.status.fetched_at),
            }
            for r in report.results
        ],
        "workflows": [
            {
                "source": p.source,
                "id": p.id,
                "name": p.name,
                "kind": p.kind,
                "problem": p.problem,
                "severity": p.severity,
                "detail": p.detail,
                "url": p.url,
                "new": report.is_new(p.key),
            }
            for p in report.problems
        ],
        "requests": [
            {
                "source": q.source,
                "id": q.id,
                "title": q.title,
                "requester": q.requester,
                "priority": q.priority,
                "status": q.status,
                "created": _iso(q.created),
                "due": _iso(q.due),
                "overdue": q.overdue,
                "assignee": q.assignee,
                "url": q.url,
                "new": report.is_new(q.key),
            }
            for q in report.requests
        ],
        "quality": [
            {
                "source": m.source,
                "metric": m.metric,
                "label": m.label,
                "count": m.count,
                "total": m.total,
                "severity": m.severity,
                "delta": report.delta(m),
            }
            for m in report.metrics
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


# -- text and markdown ----------------------------------------------------------------------------
def headline(report: Report) -> str:
    """One line, monitoring-plugin style: `mopstui CRITICAL: ...`."""
    c = report.counts()
    ok = len(report.results) - len(report.failed)
    parts = [
        f"{c['critical']} critical, {c['warning']} warning, {c['info']} info workflow problems",
        f"{c['requests']} open requests ({c['overdue']} overdue)",
        f"{c['quality']} quality metrics over threshold",
        f"{c['new']} new",
        f"{ok}/{len(report.results)} sources ok",
    ]
    missing = [r.name for r in report.failed]
    if missing:
        parts.insert(0, f"counts missing from {', '.join(missing)} (no answer)")
    if report.demo:
        parts.insert(0, DEMO_NOTE)
    return f"mopstui {report.status.upper()}: " + "; ".join(parts)


#: Said first in every demo report, so nobody mistakes invented problems for their own.
DEMO_NOTE = "DEMO WORKSPACE (invented data, not your platforms)"


def _delta_text(delta: int | None) -> str:
    return "" if delta is None else f"{delta:+d}"


def _metric_value(m: QualityMetric) -> str:
    pct = m.percent
    return f"{m.count} / {m.total} ({pct:.1f}%)" if pct is not None else str(m.count)


#: Lines per section in the text report; the JSON always has everything.
TEXT_SECTION_LINES = 15


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= TEXT_SECTION_LINES:
        return lines
    more = len(lines) - TEXT_SECTION_LINES
    return lines[:TEXT_SECTION_LINES] + [f"  ... and {more} more (--format json lists everything)"]


def render_text(report: Report) -> str:
    """A concise plain-text report: what needs a person, then what changed."""
    lines = [headline(report), "", "Sources"]
    for r in report.results:
        state = "ok" if r.status.state == "ok" else f"FAILED: {_v(r.status.error)}"
        health = f"; {_v(r.status.health)}" if r.status.health else ""
        lines.append(f"  {_v(r.name)} ({r.status.kind}): {state}, {r.status.calls} calls{health}")
    problems = report.listed_problems
    if problems:
        lines += ["", "Workflows"]
        lines += _capped(
            [
                f"  [{p.severity}]{' NEW' if report.is_new(p.key) else ''} {_v(p.name)}: {p.problem}: "
                f"{_v(p.detail)} {_v(p.url)}".rstrip()
                for p in problems
            ]
        )
    requests = [q for q in report.requests if q.overdue or report.is_new(q.key)]
    if requests:
        lines += ["", "Requests (overdue or new)"]
        rows = []
        for q in requests:
            flags = " ".join(f for f in ("overdue" if q.overdue else "", "NEW" if report.is_new(q.key) else "") if f)
            rows.append(
                f"  {_v(q.id)} [{_v(q.priority)}] {flags}: {_v(q.title)} ({_v(q.requester)}) {_v(q.url)}".rstrip()
            )
        lines += _capped(rows)
    metrics = [m for m in report.metrics if m.severity in ("critical", "warning") or report.delta(m)]
    if metrics:
        lines += ["", "Data quality"]
        for m in metrics:
            delta = _delta_text(report.delta(m))
            lines.append(f"  [{m.severity}] {_v(m.label)}: {_metric_value(m)}{' ' + delta if delta else ''}")
    if report.resolved:
        lines += ["", f"Resolved since last check ({len(report.resolved)})"]
        lines += _capped([f"  {_v(item.title)} {_v(item.url)}".rstrip() for item in report.resolved])
    return "\n".join(lines)


def _md(text: str) -> str:
    """Platform text on one line, with the characters markdown would read as formatting or a table
    cell border escaped."""
    text = _v(text)
    for ch in "\\`*_[]|<>":
        text = text.replace(ch, "\\" + ch)
    return text


def _md_url(url: str) -> str:
    """A link target that cannot end early: spaces, brackets and table borders percent-encoded."""
    url = _v(url)
    for ch, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), ("|", "%7C")):
        url = url.replace(ch, code)
    return url


def _link(text: str, url: str) -> str:
    return f"[{_md(text)}]({_md_url(url)})" if url.lower().startswith(("https://", "http://")) else _md(text)


def render_markdown(report: Report) -> str:
    """The same report as markdown (for a ticket, a wiki page, or a chat that renders it)."""
    c = report.counts()
    title = f"## mopstui check: {report.status.upper()}" + (" (demo workspace)" if report.demo else "")
    missing = [_md(r.name) for r in report.failed]
    notes = ([f"**{DEMO_NOTE}**"] if report.demo else []) + (
        [f"**Counts missing from {', '.join(missing)}** (no answer)"] if missing else []
    )
    lines = [
        title,
        "",
        *[line for note in notes for line in (note, "")],
        f"_{report.generated_at.isoformat(timespec='minutes')}_ · {c['critical']} critical, {c['warning']} warning, "
        f"{c['info']} info workflow problems · {c['requests']} open requests ({c['overdue']} overdue) · {c['quality']} quality "
        f"metrics over threshold · {c['new']} new",
        "",
        "### Sources",
        "",
    ]
    for r in report.results:
        state = "ok" if r.status.state == "ok" else f"**failed**: {_md(r.status.error)}"
        health = f"; {_md(r.status.health)}" if r.status.health else ""
        lines.append(f"- **{_md(r.name)}** ({r.status.kind}): {state}, {r.status.calls} calls{health}")
    problems = report.listed_problems
    if problems:
        lines += ["", "### Workflows", "", "| Severity | New | Workflow | Problem | Detail |", "|---|---|---|---|---|"]
        for p in problems:
            lines.append(
                f"| {p.severity} | {'new' if report.is_new(p.key) else ''} | {_link(p.name, p.url)} "
                f"| {p.problem} | {_md(p.detail)} |"
            )
    requests = [q for q in report.requests if q.overdue or report.is_new(q.key)]
    if requests:
        lines += [
            "",
            "### Requests (overdue or new)",
            "",
            "| Request | Priority | Overdue | New | Requester |",
            "|---|---|---|---|---|",
        ]
        for q in requests:
            lines.append(
                f"| {_link(f'{q.id} {q.title}', q.url)} | {_md(q.priority)} | {'yes' if q.overdue else ''} "
                f"| {'new' if report.is_new(q.key) else ''} | {_md(q.requester)} |"
            )
    metrics = [m for m in report.metrics if m.severity in ("critical", "warning") or report.delta(m)]
    if metrics:
        lines += ["", "### Data quality", "", "| Severity | Metric | Count | Change |", "|---|---|---|---|"]
        for m in metrics:
            lines.append(f"| {m.severity} | {_md(m.label)} | {_metric_value(m)} | {_delta_text(report.delta(m))} |")
    if report.resolved:
        lines += ["", f"### Resolved since last check ({len(report.resolved)})", ""]
        lines += [f"- {_link(item.title, item.url)}" for item in report.resolved]
    return "\n".join(lines)
