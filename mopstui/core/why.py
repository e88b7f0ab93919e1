"""Running a diagnosis through the cockpit: find the source, bound the time, word every error.

The TUI's `w` and `mopstui why` both come here. A diagnosis is read-only: it never goes through the
audit log; its fixes do, as ordinary actions (`Cockpit.perform`). The audience is counted apart
(`count_audience`): it can take minutes (Marketo's bulk export status moves once a minute), so it has
its own limit, and cancelling the task cancels the export job it started.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from mopstui.core.diagnosis import Audience, Diagnosis
from mopstui.core.errors import MopstuiError
from mopstui.core.redact import redact
from mopstui.core.service import Cockpit
from mopstui.core.source import Source

#: The longest an audience count may take: a bulk export queued behind others can wait.
AUDIENCE_TIMEOUT = 30 * 60.0


class WhyError(MopstuiError):
    """A diagnosis could not be made: unknown source, a source that cannot diagnose, no such workflow."""


def why_source(cockpit: Cockpit, source_name: str) -> Source:
    """The source that can diagnose `source_name`'s workflows, or a WhyError naming what is wrong."""
    handle = cockpit.handles.get(source_name)
    if handle is None:
        known = ", ".join(sorted(cockpit.handles)) or "none"
        raise WhyError(f"no source named {source_name!r} (configured: {known})")
    if "why" not in handle.source.capabilities:
        raise WhyError(f"source {source_name!r} (kind {handle.source.kind}) cannot diagnose campaigns or flows")
    return handle.source


async def diagnose(cockpit: Cockpit, source_name: str, target: str) -> Diagnosis:
    """Every check of `target` but the audience, under the source's timeout; errors as WhyError."""
    source = why_source(cockpit, source_name)
    timeout = cockpit.handles[source_name].timeout
    before = source.calls
    try:
        async with asyncio.timeout(timeout):
            diagnosis = await source.diagnose(target)
    except TimeoutError:
        raise WhyError(f"{source_name}: no answer within {timeout:g} s while diagnosing {target}") from None
    except MopstuiError as exc:
        raise WhyError(redact(str(exc))) from None
    return replace(diagnosis, calls=source.calls - before)


async def count_audience(cockpit: Cockpit, source_name: str, target: str) -> Audience:
    """The audience of `target`; a failure to count is an Audience with its error, never a raise
    (the rest of the diagnosis stands). Cancelling this cancels what the source started."""
    source = why_source(cockpit, source_name)
    try:
        async with asyncio.timeout(AUDIENCE_TIMEOUT):
            return await source.count_audience(target)
    except TimeoutError:
        return Audience(None, error=f"not counted within {AUDIENCE_TIMEOUT / 60:g} minutes")
    except MopstuiError as exc:
        return Audience(None, error=redact(str(exc)).removeprefix(f"{source_name}: "))


async def full_diagnosis(cockpit: Cockpit, source_name: str, target: str, guard_percent: float) -> Diagnosis:
    """The diagnosis with its audience line (the headless `mopstui why`)."""
    diagnosis = await diagnose(cockpit, source_name, target)
    source = why_source(cockpit, source_name)
    before = source.calls
    audience = await count_audience(cockpit, source_name, target)
    counted = diagnosis.with_audience(audience, guard_percent)
    return replace(counted, calls=diagnosis.calls + source.calls - before)
