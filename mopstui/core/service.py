"""The cockpit service: fans out to every source concurrently, keeps per-source status, runs actions.

A slow or failing source never delays or breaks the others: each fetch runs under its own timeout
and its error is kept with its status. Results are handed to `on_result` as each source answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal, Protocol

from mopstui.core.audit import AuditLog
from mopstui.core.errors import MopstuiError
from mopstui.core.models import (
    ActionOutcome,
    QualityMetric,
    Request,
    WorkflowDefinition,
    WorkflowProblem,
    WorkflowScan,
    WorkflowState,
)
from mopstui.core.receipt import ATTEMPT, REFUSED, Receipt, audit_outcome, receiving, unconfirmed
from mopstui.core.redact import redact
from mopstui.core.replies import audit_note
from mopstui.core.scrub import redact_fetched
from mopstui.core.source import Source

State = Literal["idle", "loading", "ok", "error"]


@dataclass(frozen=True)
class SourceStatus:
    """How one source is doing: state, when it last answered, its error, calls and health."""

    name: str
    kind: str
    state: State = "idle"
    fetched_at: datetime | None = None
    error: str = ""
    calls: int = 0
    health: str = ""
    read_only: bool = False
    capabilities: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SourceResult:
    """Everything one source answered in one refresh, plus what memory made of it."""

    status: SourceStatus
    problems: list[WorkflowProblem] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    metrics: list[QualityMetric] = field(default_factory=list)
    states: list[WorkflowState] = field(default_factory=list)
    #: Workflow definitions read again this refresh (their revision moved; see mopstui.core.drift).
    definitions: list[WorkflowDefinition] = field(default_factory=list)
    #: Keys (item.key) of problems and requests not present at the previous snapshot.
    new_keys: frozenset[str] = frozenset()
    #: metric key -> change in count since the previous snapshot (None the first time).
    deltas: Mapping[str, int | None] = field(default_factory=dict)
    #: metric key -> recent daily counts, oldest first (for sparklines).
    trends: Mapping[str, list[int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.status.name


class Memory(Protocol):
    """What the state store offers the service (see mopstui.core.memory)."""

    def annotate(self, result: SourceResult) -> SourceResult: ...

    async def record(self, results: list[SourceResult], *, pause: float = 0.0) -> None: ...


@dataclass
class SourceHandle:
    """A source as the cockpit holds it: the adapter, whether it is read-only, its timeout."""

    source: Source
    read_only: bool = False
    timeout: float = 30.0


class Cockpit:
    """Holds the sources and their latest results; refreshes and actions go through here."""

    def __init__(
        self,
        handles: Mapping[str, SourceHandle],
        *,
        read_only: bool = False,
        audit: AuditLog | None = None,
        memory: Memory | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.handles = dict(handles)
        self.read_only = read_only
        self.audit = audit
        self.memory = memory
        self.clock = clock
        self.results: dict[str, SourceResult] = {
            name: SourceResult(self._status(name, "idle")) for name in self.handles
        }
        self._refresh_lock = asyncio.Lock()
        #: Actions whose outcome is not in the audit log yet, by id of their receipt.
        self._pending: dict[int, Receipt] = {}

    # -- status ---------------------------------------------------------------------------------
    def _status(self, name: str, state: State, **kw: object) -> SourceStatus:
        handle = self.handles[name]
        return SourceStatus(
            name=name,
            kind=handle.source.kind,
            state=state,
            read_only=self.read_only or handle.read_only,
            capabilities=handle.source.capabilities,
            **kw,  # type: ignore[arg-type]
        )

    @property
    def statuses(self) -> list[SourceStatus]:
        return [r.status for r in self.results.values()]

    def summary(self) -> str:
        """`N/N sources ok`, or `K/N sources ok (failed: a, b)`."""
        total = len(self.results)
        failed = [s.name for s in self.statuses if s.state == "error"]
        text = f"{total - len(failed)}/{total} sources ok"
        return f"{text} (failed: {', '.join(failed)})" if failed else text

    @property
    def refreshing(self) -> bool:
        return self._refresh_lock.locked()

    # -- fetching -------------------------------------------------------------------------------
    async def refresh(
        self,
        on_result: Callable[[SourceResult], None] | None = None,
        names: Iterable[str] | None = None,
        *,
        record: bool = True,
    ) -> list[SourceResult]:
        """Fetch every source (or `names`) concurrently; refreshes never overlap.

        With `record=False` the caller saves the snapshot later with `record(results)` (the cockpit
        does it after painting, so a large snapshot never delays what the user sees).
        """
        async with self._refresh_lock:
            wanted = list(names) if names is not None else list(self.handles)
            for name in wanted:
                previous = self.results[name]
                self.results[name] = replace(previous, status=replace(previous.status, state="loading"))

            async def one(name: str) -> SourceResult:
                result = await self._fetch(name)
                if self.memory is not None:
                    try:
                        result = self.memory.annotate(result)
                    except Exception as exc:  # memory trouble never hides the data
                        result = replace(result, status=replace(result.status, health=f"memory: {exc}"))
                self.results[name] = result
                if on_result is not None:
                    on_result(result)
                return result

            results = list(await asyncio.gather(*(one(n) for n in wanted)))
            if record:
                await self.record(results)
            return results

    async def record(self, results: list[SourceResult], *, pause: float = 0.0) -> None:
        """Save this refresh's snapshot in memory; trouble there never breaks a refresh. `pause`:
        seconds to leave the event loop between slices of a big snapshot (see Memory.record)."""
        if self.memory is not None:
            try:
                await self.memory.record(results, pause=pause)
            except Exception:
                pass  # Memory keeps its own error text, shown by the cockpit

    async def _fetch(self, name: str) -> SourceResult:
        handle = self.handles[name]
        source = handle.source
        source.reset_calls()
        scan = WorkflowScan()
        requests: list[Request] = []
        metrics: list[QualityMetric] = []
        try:
            async with asyncio.timeout(handle.timeout):
                caps = source.capabilities
                async with asyncio.TaskGroup() as group:
                    workflows_job = group.create_task(source.fetch_workflows()) if "workflows" in caps else None
                    requests_job = group.create_task(source.fetch_requests()) if "requests" in caps else None
                    quality_job = group.create_task(source.fetch_quality()) if "quality" in caps else None
                if workflows_job is not None:
                    scan = workflows_job.result()
                if requests_job is not None:
                    requests = requests_job.result()
                if quality_job is not None:
                    metrics = quality_job.result()
        except TimeoutError:
            return self._error(name, f"timed out after {handle.timeout:g} s")
        except ExceptionGroup as group_exc:  # TaskGroup wraps what the fetches raised
            exc = group_exc.exceptions[0]
            while isinstance(exc, ExceptionGroup):
                exc = exc.exceptions[0]
            if isinstance(exc, MopstuiError):
                return self._error(name, str(exc))
            return self._error(name, f"unexpected error: {type(exc).__name__}: {exc}")
        status = self._status(name, "ok", fetched_at=self.clock(), calls=source.calls, health=redact(source.health))
        # A secret pasted into platform data goes no further: memory and the screen get it redacted.
        fetched = redact_fetched(list(scan.problems), requests, metrics, list(scan.states))
        return SourceResult(status, *fetched, definitions=list(scan.definitions))

    def _error(self, name: str, message: str) -> SourceResult:
        source = self.handles[name].source
        status = self._status(
            name, "error", fetched_at=self.clock(), error=redact(message), calls=source.calls, health=source.health
        )
        return SourceResult(status)

    # -- actions --------------------------------------------------------------------------------
    def is_read_only(self, source_name: str) -> bool:
        return self.read_only or self.handles[source_name].read_only

    async def perform(
        self,
        source_name: str,
        action: str,
        target: str,
        params: Mapping[str, str] | None = None,
        *,
        record: bool = True,
    ) -> ActionOutcome:
        """Run an action, audit the attempt and the outcome, and re-fetch the source on success.

        Nothing is sent unless the attempt is in the audit log first. An ok outcome comes back with
        `confirmed` set: True when the adapter or the re-fetch read the platform's state back, False
        ("done; could not confirm") when the platform accepted the write but reading back failed.
        With `record=False` the caller saves the re-fetch's snapshot itself (see `refresh`)."""
        params = dict(params or {})
        handle = self.handles.get(source_name)
        if handle is None:
            return ActionOutcome(False, f"no source named {source_name!r}")
        if self.is_read_only(source_name):
            outcome = ActionOutcome(False, f"read-only: {action} refused for {target} on {source_name}")
            self._audit_quietly(source_name, action, target, REFUSED, outcome.message)
            return outcome
        if action not in handle.source.action_labels:
            return ActionOutcome(False, f"{source_name} does not support {action}")
        receipt = Receipt(source_name, action, target)
        note = audit_note(params)  # which canned reply a decline used, and whether it was edited
        try:
            self._write_audit(receipt, ATTEMPT, note)
        except OSError as exc:
            return ActionOutcome(
                False, f"not done: the audit log {self._audit_path()} cannot be written ({_reason(exc)})"
            )
        self._pending[id(receipt)] = receipt
        try:
            outcome = await self._run(handle, receipt, params)
            if outcome.ok:
                outcome = await self._refetch(receipt, outcome, record)
        except asyncio.CancelledError:
            self._finish_interrupted(receipt)
            raise
        self._pending.pop(id(receipt), None)
        try:
            self._write_audit(receipt, audit_outcome(outcome), "; ".join(filter(None, [outcome.message, note])))
        except OSError as exc:
            note = f" (the audit log {self._audit_path()} could not record this: {_reason(exc)})"
            outcome = replace(outcome, message=outcome.message + note)
        return outcome

    async def _run(self, handle: SourceHandle, receipt: Receipt, params: dict[str, str]) -> ActionOutcome:
        """The adapter's answer, with what it had already done when an error or the timeout came."""
        try:
            with receiving(receipt):
                async with asyncio.timeout(handle.timeout):
                    outcome = await handle.source.perform(receipt.action, receipt.target, params)
        except TimeoutError:
            outcome = receipt.after_error(
                f"no answer within {handle.timeout:g} s; the platform's state is unknown, refresh to see it"
            )
        except MopstuiError as exc:
            outcome = receipt.after_error(str(exc))
        except Exception as exc:
            outcome = receipt.after_error(f"unexpected error: {type(exc).__name__}: {exc}")
        outcome = replace(outcome, message=redact(outcome.message))
        receipt.outcome = outcome
        return outcome

    async def _refetch(self, receipt: Receipt, outcome: ActionOutcome, record: bool) -> ActionOutcome:
        """Re-fetch the source, so its pane shows the new state; for an adapter that did not read the
        state back itself, that answer confirms the action, and its failure leaves it unconfirmed."""
        await self.refresh(names=[receipt.source], record=record)
        if outcome.confirmed is not None:
            return outcome
        status = self.results[receipt.source].status
        if status.state == "error":
            return unconfirmed(outcome.message, f"re-fetching {receipt.source} failed ({status.error})")
        return replace(outcome, confirmed=True)

    def interrupt_pending(self) -> int:
        """Finish the audit entry of every action still running (the cockpit is being stopped):
        "interrupted", or "ok-unconfirmed" when the platform had already accepted it. How many."""
        pending = list(self._pending.values())
        for receipt in pending:
            self._finish_interrupted(receipt)
        return len(pending)

    def _finish_interrupted(self, receipt: Receipt) -> None:
        if self._pending.pop(id(receipt), None) is None:
            return  # already finished (a signal handler and a cancellation may both get here)
        outcome, message = receipt.interrupted()
        self._audit_quietly(receipt.source, receipt.action, receipt.target, outcome, redact(message))

    def _write_audit(self, receipt: Receipt, outcome: str, message: str) -> None:
        if self.audit is not None:
            self.audit.append(receipt.source, receipt.action, receipt.target, outcome, message)

    def _audit_quietly(self, source: str, action: str, target: str, outcome: str, message: str) -> None:
        """For entries about nothing sent (refusals) or too late to stop anything (interruptions)."""
        if self.audit is None:
            return
        try:
            self.audit.append(source, action, target, outcome, message)
        except OSError:
            pass

    def _audit_path(self) -> str:
        return str(self.audit.path) if self.audit is not None else "?"

    async def aclose(self) -> None:
        for handle in self.handles.values():
            try:
                await handle.source.aclose()
            except Exception:
                pass


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__
