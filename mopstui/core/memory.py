"""Memory of earlier checks: what is new, what was resolved, how counts moved, what got switched off.

`Memory` implements the service's `Memory` protocol on top of the SQLite `StateStore`:

- `annotate(result)` compares one source's fresh result with the *baseline*: the latest snapshot of
  that source taken by the same `origin` before this Memory first saw it. A cron check (origin
  `check`) builds a new Memory each run, so its baseline is the previous check; the cockpit (origin
  `cockpit`) keeps one Memory for the session, so its baseline is what the previous cockpit session
  last showed, whatever checks ran meanwhile, and its "new" marks stay put across auto-refreshes.
  With nothing of its own origin yet, everything is new to it.
- The generic deactivation rule compares workflow states with the *latest* snapshot: a trigger or
  flow active then and inactive now becomes an `inactive` problem, and stays one (with the time it
  was first seen inactive) until it is active again, whichever platform it came from.
- `record(results)` writes a snapshot per healthy source, all of them in one transaction (items,
  daily counts and deactivations are kept together or not at all); a failed source writes nothing,
  so its items do not all look "resolved" next time. A store opened read-only is not written.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

from mopstui.core.audit import AuditLog
from mopstui.core.drift import Change, Drift
from mopstui.core.models import SEVERITY_RANK, Request, WorkflowProblem, WorkflowState
from mopstui.core.receipt import OK, UNCONFIRMED
from mopstui.core.service import SourceResult
from mopstui.core.store import StateStore, StoreError

TREND_DAYS = 14
#: One source's snapshot, ready for the store: (source, head JSON, (request keys JSON, requests
#: JSON), today's metric values, observed deactivations).
_Write = tuple[str, str, tuple[str, str], dict[str, int], dict[str, tuple[datetime, datetime]]]
#: Items encoded per event-loop turn when a snapshot is written (a few ms each).
SNAPSHOT_SLICE = 2000
_KIND_WORDS = {"trigger": "Trigger campaign", "flow": "Flow", "batch": "Campaign"}


@dataclass(frozen=True)
class ChangedItem:
    """A problem or request that appeared or was resolved since the baseline."""

    key: str
    source: str
    what: str  # "workflow" | "request"
    id: str
    title: str
    detail: str
    severity: str
    url: str


@dataclass(frozen=True)
class MetricChange:
    """A quality count that moved since the baseline."""

    source: str
    metric: str
    label: str
    count: int
    delta: int
    severity: str


@dataclass(frozen=True)
class SinceLastCheck:
    """What appeared and what was resolved since each source's baseline snapshot."""

    #: source name -> time of the snapshot compared with (None: nothing recorded before).
    baseline_at: dict[str, datetime | None] = field(default_factory=dict)
    #: Whose comparison this is: "check" (since the previous check) or "cockpit" (since you last looked).
    origin: str = "check"
    appeared: list[ChangedItem] = field(default_factory=list)
    resolved: list[ChangedItem] = field(default_factory=list)
    metrics: list[MetricChange] = field(default_factory=list)
    #: sources whose latest fetch failed (nothing can be said about them).
    failed: list[str] = field(default_factory=list)


class Memory:
    """The service's memory: snapshots, new keys, deltas, trends, deactivations, reviewed marks."""

    def __init__(
        self,
        store: StateStore,
        *,
        clock: Callable[[], datetime] | None = None,
        trend_days: int = TREND_DAYS,
        audit: AuditLog | None = None,
        origin: str = "check",
    ) -> None:
        self.store = store
        #: Who takes this Memory's snapshots and whose it compares with: "check" or "cockpit".
        self.origin = origin
        #: Deactivations done on purpose through mopstui (audited) are not problems.
        self.audit = audit
        #: One line when the last `record` did not save its snapshot (the service swallows the
        #: error; the check prints this, the cockpit notifies it); "" once one was saved.
        self.error = ""
        self.clock = clock or (lambda: datetime.now(UTC))
        self.trend_days = trend_days
        self._baselines: dict[str, tuple[datetime, dict[str, Any]] | None] = {}
        self._baseline_ids: dict[str, int | None] = {}
        self._current: dict[str, SourceResult] = {}
        self._deactivations: dict[str, dict[str, tuple[datetime, datetime]]] = {}
        #: Workflow definitions and their changes (the `changed` problem).
        self.drift = Drift(store, audit, self.clock)

    # -- the Memory protocol --------------------------------------------------------------------
    def annotate(self, result: SourceResult) -> SourceResult:
        """Add new_keys, deltas, trends and deactivation problems to a fresh result."""
        name = result.name
        first_look = name not in self._baselines
        baseline = self.baseline(name)
        if result.status.state != "ok":
            self._current[name] = result
            return result
        now = self.clock()
        # Deactivations compare with the latest snapshot of any origin; on a first look that is
        # usually the pinned baseline: don't read and parse it twice.
        if first_look and self._baseline_ids.get(name) == self.store.latest_snapshot_id(name):
            latest = baseline
        else:
            latest = self.store.latest_snapshot(name, details=False)
        observed = self._observe_deactivations(result, latest, now)
        self._deactivations[name] = observed
        problems = list(result.problems) + self._deactivation_problems(result, observed, now)
        problems += self.drift.observe(name, result.definitions, now)
        base = baseline[1] if baseline else {}
        seen = set(base.get("problems", {})) | set(base.get("requests", {}))
        keys = frozenset([p.key for p in problems] + [r.key for r in result.requests])
        new_keys = keys if baseline is None else keys - seen
        base_metrics = base.get("metrics", {})
        deltas: dict[str, int | None] = {}
        for m in result.metrics:
            before = base_metrics.get(m.metric)
            deltas[m.metric] = None if baseline is None or before is None else m.count - int(before["count"])
        annotated = replace(
            result, problems=problems, new_keys=new_keys, deltas=deltas, trends=self._trends(result, now)
        )
        self._current[name] = annotated
        return annotated

    async def record(self, results: list[SourceResult], *, pause: float = 0.0) -> None:
        """Write a snapshot, today's metric values and observed deactivations per healthy source.

        A big snapshot (100,000 requests) is encoded a slice at a time, with a
        turn of the event loop (and `pause` seconds) between slices, and written from a thread
        (SQLite lets go of the GIL while it writes): a screen keeps painting and answering keys
        while memory catches up."""
        if not self.store.writable:
            return  # the store said so once, when it opened
        now = self.clock()
        writes: list[_Write] = []
        for result in results:
            if result.status.state != "ok":
                continue
            name = result.name
            observed = self._deactivations.get(name)
            if observed is None:  # recorded without annotate: work it out now
                observed = self._observe_deactivations(result, self.store.latest_snapshot(name, details=False), now)
                self.drift.observe(name, result.definitions, now)
            head: list[str] = []
            requests: list[str] = []
            for part, into in snapshot_json(result):
                (head if into == "head" else requests).append(part)
                await asyncio.sleep(pause)
            keys = json.dumps([r.key for r in result.requests], ensure_ascii=False)
            writes.append(
                (name, "".join(head), (keys, "".join(requests)), {m.metric: m.count for m in result.metrics}, observed)
            )
        try:
            await asyncio.to_thread(self._write, writes, now)
        except (StoreError, sqlite3.Error) as exc:
            reason = exc.reason if isinstance(exc, StoreError) else str(exc)
            self.error = f"state store {self.store.path}: snapshot not saved ({reason})"
            raise
        self.error = ""

    def _write(self, writes: list[_Write], now: datetime) -> None:
        with self.store.transaction():  # all or nothing: never items without their counts
            for name, snapshot, requests, daily, observed in writes:
                self.store.add_snapshot(name, now, snapshot, requests, origin=self.origin)
                self.store.set_daily(name, daily, _local_day(now))
                self.store.set_deactivations(name, observed)
                self.drift.save(name)

    # -- baseline, since last check -------------------------------------------------------------
    def baseline(self, source: str) -> tuple[datetime, dict[str, Any]] | None:
        """The snapshot this Memory compares `source` with, pinned the first time it is asked.
        Its requests are keys only (see `StateStore.latest_snapshot`); `_resolved` reads the rest."""
        if source not in self._baselines:
            ref = self.store.latest_snapshot_ref(source, details=False, origin=self.origin)
            self._baselines[source] = None if ref is None else (ref[1], ref[2])
            self._baseline_ids[source] = None if ref is None else ref[0]
        return self._baselines[source]

    def since_last_check(self) -> SinceLastCheck:
        """What appeared and what was resolved in the results annotated so far, per baseline."""
        out = SinceLastCheck(origin=self.origin)
        for name, result in self._current.items():
            baseline = self.baseline(name)
            out.baseline_at[name] = baseline[0] if baseline else None
            if result.status.state != "ok":
                out.failed.append(name)
                continue
            for p in result.problems:
                if p.key in result.new_keys:
                    out.appeared.append(_problem_item(p))
            for r in result.requests:
                if r.key in result.new_keys:
                    out.appeared.append(_request_item(r))
            out.resolved.extend(self._resolved(result, baseline))
            for m in result.metrics:
                delta = result.deltas.get(m.metric)
                if delta:
                    out.metrics.append(MetricChange(name, m.metric, m.label, m.count, delta, m.severity))
        out.appeared.sort(key=_item_order)
        out.resolved.sort(key=_item_order)
        out.metrics.sort(key=lambda c: (SEVERITY_RANK.get(c.severity, 9), -c.delta))
        return out

    def _resolved(self, result: SourceResult, baseline: tuple[datetime, dict[str, Any]] | None) -> list[ChangedItem]:
        if baseline is None:
            return []
        now_keys = {p.key for p in result.problems} | {r.key for r in result.requests}
        out = []
        for key, p in baseline[1].get("problems", {}).items():
            if key not in now_keys:
                out.append(
                    ChangedItem(
                        key,
                        result.name,
                        "workflow",
                        str(p.get("id", "")),
                        str(p.get("name", "")),
                        str(p.get("detail", "")),
                        str(p.get("severity", "")),
                        str(p.get("url", "")),
                    )
                )
        # the baseline holds request keys only: details are read for the ones that went
        gone = [key for key in baseline[1].get("requests", {}) if key not in now_keys]
        snapshot_id = self._baseline_ids.get(result.name)
        details = self.store.snapshot_requests(snapshot_id) if gone and snapshot_id is not None else {}
        for key in gone:
            r = details.get(key) or {}
            out.append(
                ChangedItem(
                    key,
                    result.name,
                    "request",
                    str(r.get("id", "")),
                    str(r.get("title", "")),
                    f"{r.get('priority', '')}, {r.get('status', '')}".strip(", "),
                    "",
                    str(r.get("url", "")),
                )
            )
        return out

    # -- workflow definitions (see mopstui.core.drift) -----------------------------------------
    def known_revisions(self, source: str) -> dict[str, str] | None:
        """id -> revision of the definitions kept for `source` (SourceContext.revisions)."""
        return self.drift.revisions(source)

    def definition_change(self, source: str, workflow_id: str) -> Change | None:
        """The last definition change of a workflow, old and new (the `changed` problem's diff)."""
        return self.drift.change(source, workflow_id)

    # -- reviewed marks (kept for the day) ------------------------------------------------------
    def mark_reviewed(self, key: str) -> None:
        self.store.mark_reviewed(key, _local_day(self.clock()))

    def unmark_reviewed(self, key: str) -> None:
        self.store.unmark_reviewed(key, _local_day(self.clock()))

    def is_reviewed(self, key: str) -> bool:
        return key in self.store.reviewed(_local_day(self.clock()))

    def reviewed_keys(self) -> set[str]:
        return self.store.reviewed(_local_day(self.clock()))

    # -- the last check's verdict (for "notify only when worse") --------------------------------
    def previous_check_status(self) -> str | None:
        return self.store.get_meta("last_check_status")

    def remember_check_status(self, status: str) -> None:
        if self.store.writable:  # a read-only store said so once, when it opened
            self.store.set_meta("last_check_status", status)

    # -- internals ------------------------------------------------------------------------------
    def _observe_deactivations(
        self, result: SourceResult, latest: tuple[datetime, dict[str, Any]] | None, now: datetime
    ) -> dict[str, tuple[datetime, datetime]]:
        """workflow id -> (first seen inactive, last seen active) for every switched-off workflow."""
        known = self.store.deactivations(result.name)
        before = latest[1].get("states", {}) if latest else {}
        observed: dict[str, tuple[datetime, datetime]] = {}
        for state in result.states:
            if state.active:
                continue  # active again: forget the deactivation
            if state.id in known:
                observed[state.id] = known[state.id]
            elif latest is not None and before.get(state.id, {}).get("active") is True:
                observed[state.id] = (now, latest[0])
        return observed

    def _deactivation_problems(
        self, result: SourceResult, observed: dict[str, tuple[datetime, datetime]], now: datetime
    ) -> list[WorkflowProblem]:
        # adapters report active state, core decides; an adapter's own inactive problem wins
        reported = {p.id for p in result.problems if p.problem == "inactive"}
        states = {s.id: s for s in result.states}
        out = []
        for wid, (seen, active_at) in observed.items():
            state = states.get(wid)
            if state is None or wid in reported or self._deactivated_on_purpose(result.name, wid, active_at):
                continue
            out.append(deactivation_problem(state, seen, active_at, now))
        return out

    def _deactivated_on_purpose(self, source: str, wid: str, after: datetime) -> bool:
        """True when the audit log shows a successful deactivate of `wid` from mopstui since `after`."""
        if self.audit is None:
            return False
        try:
            entries = self.audit.read()
        except OSError:
            return False
        floor = after.replace(microsecond=0)
        for entry in reversed(entries):
            if (entry.get("source"), entry.get("action"), entry.get("target")) != (source, "deactivate", wid):
                continue
            if entry.get("outcome") not in (OK, UNCONFIRMED):  # unconfirmed is done all the same
                continue
            try:
                at = datetime.fromisoformat(str(entry.get("time")))
            except ValueError:
                continue
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            return at >= floor
        return False

    def _trends(self, result: SourceResult, now: datetime) -> dict[str, list[int]]:
        today = _local_day(now)
        start = today - timedelta(days=self.trend_days - 1)
        stored = self.store.daily(result.name, start)
        trends: dict[str, list[int]] = {}
        for m in result.metrics:
            days = {d: c for d, c in stored.get(m.metric, []) if d < today}
            days[today] = m.count  # today's value is the one just fetched
            trends[m.metric] = [days[d] for d in sorted(days)]
        return trends


def deactivation_problem(state: WorkflowState, seen: datetime, active_at: datetime, now: datetime) -> WorkflowProblem:
    """The `inactive` problem for a workflow seen active at `active_at` and inactive since `seen`."""
    word = _KIND_WORDS.get(state.kind, "Workflow")
    detail = f"{word} deactivated since {when(seen, now)} (still active at {when(active_at, now)})."
    actions = state.actions if "activate" in state.actions else ("activate", *state.actions)
    return WorkflowProblem(
        source=state.source,
        id=state.id,
        name=state.name,
        kind=state.kind,
        problem="inactive",
        severity="critical",
        detail=detail,
        since=seen,
        url=state.url,
        actions=tuple(a for a in actions if a != "deactivate"),
        program=state.program,
    )


def when(moment: datetime, now: datetime) -> str:
    """`09:12 today`, `09:12 yesterday`, `Mon 09:12`, or `12 Mar 09:12`, in local time."""
    local, today = _local(moment), _local(now).date()
    clock = local.strftime("%H:%M")
    days = (today - local.date()).days
    if days == 0:
        return f"{clock} today"
    if days == 1:
        return f"{clock} yesterday"
    if 1 < days < 7:
        return f"{local.strftime('%a')} {clock}"
    return f"{local.day} {local.strftime('%b')} {clock}"


def snapshot_sections(result: SourceResult) -> dict[str, Iterator[tuple[str, dict[str, Any]]]]:
    """What one snapshot keeps, section by section: enough to say what was resolved, and to compare
    counts and states. Each section yields (key, fields) pairs lazily."""
    return {
        "problems": (
            (
                p.key,
                {
                    "id": p.id,
                    "name": p.name,
                    "kind": p.kind,
                    "problem": p.problem,
                    "severity": p.severity,
                    "detail": p.detail,
                    "url": p.url,
                },
            )
            for p in result.problems
        ),
        "requests": (
            (
                r.key,
                {
                    "id": r.id,
                    "title": r.title,
                    "priority": r.priority,
                    "status": r.status,
                    "overdue": r.overdue,
                    "url": r.url,
                },
            )
            for r in result.requests
        ),
        "metrics": (
            (m.metric, {"count": m.count, "total": m.total, "label": m.label, "severity": m.severity})
            for m in result.metrics
        ),
        "states": ((s.id, {"active": s.active, "name": s.name, "kind": s.kind}) for s in result.states),
    }


def snapshot_data(result: SourceResult) -> dict[str, Any]:
    """The snapshot as a dict (what `snapshot_json` encodes)."""
    return {name: dict(pairs) for name, pairs in snapshot_sections(result).items()}


def snapshot_json(result: SourceResult) -> Iterator[tuple[str, str]]:
    """The snapshot as JSON text in pieces of at most SNAPSHOT_SLICE items, each tagged with where
    it goes: "head" (an object of problems, metrics and states) or "requests" (an object of request
    key -> details, stored apart from the head: see StateStore)."""
    sections = snapshot_sections(result)
    requests = sections.pop("requests")
    for i, (name, pairs) in enumerate(sections.items()):
        yield ("{" if i == 0 else ", ") + json.dumps(name) + ": ", "head"
        for piece in _json_object_pieces(pairs):
            yield piece, "head"
    yield "}", "head"
    for piece in _json_object_pieces(requests):
        yield piece, "requests"


def _json_object_pieces(pairs: Iterator[tuple[str, dict[str, Any]]]) -> Iterator[str]:
    yield "{"
    first = True
    while chunk := dict(islice(pairs, SNAPSHOT_SLICE)):
        body = json.dumps(chunk, ensure_ascii=False)[1:-1]
        yield body if first else ", " + body
        first = False
    yield "}"


def _problem_item(p: WorkflowProblem) -> ChangedItem:
    return ChangedItem(p.key, p.source, "workflow", p.id, p.name, p.detail, p.severity, p.url)


def _request_item(r: Request) -> ChangedItem:
    return ChangedItem(
        r.key, r.source, "request", r.id, r.title, f"{r.priority}, {r.status}", "warning" if r.overdue else "", r.url
    )


def _item_order(item: ChangedItem) -> tuple[int, int, str]:
    return (0 if item.what == "workflow" else 1, SEVERITY_RANK.get(item.severity, 9), item.title.lower())


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def _local_day(moment: datetime) -> date:
    return _local(moment).date()
