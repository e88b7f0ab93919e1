"""dbt artifacts -> what the cockpit shows: test results as quality metrics, errors and stale data
as workflow problems, and the one-line status of the last run.

Every test that ran is a metric: a passed one an `ok` metric with count 0 (as the file source shows
a rule nothing broke), so memory keeps its trend and a fixed test drops back to 0 instead of vanishing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from mopstui.adapters.dbt.artifacts import Manifest, NodeResult, RunResults, SourcesResults, TestNode, relation_name
from mopstui.core.models import QualityMetric, Severity, Thresholds, WorkflowProblem
from mopstui.core.safe_text import visible

#: The longest message shown in a problem's detail.
MAX_DETAIL = 160
#: dbt's built-in generic tests, read from a test's name when there is no manifest.
GENERIC_TESTS = ("not_null", "unique", "accepted_values", "relationships")
#: Thresholds mirroring dbt's severity: any failure of an `error` test is critical, of a `warn` one a warning.
THRESHOLDS = {"error": Thresholds(1.0, 1.0), "warn": Thresholds(1.0, math.inf)}
ERRORS = ("error", "runtime error")
#: A test's status as our severity.
TEST_SEVERITY: dict[str, Severity] = {"pass": "ok", "warn": "warning", "fail": "critical"}
_ERROR_HEADER = re.compile(r"[\w ]*Error(?: in \w+ .*)?")


def metrics(source: str, run: RunResults, manifest: Manifest) -> list[QualityMetric]:
    """One metric per test that passed, warned or failed (errors are problems, skipped tests nothing)."""
    models = known_relations(run.results)
    out = []
    for result in run.results:
        if not result.unique_id.startswith("test.") or result.status not in TEST_SEVERITY:
            continue
        node = manifest.get(result.unique_id)
        severity = TEST_SEVERITY[result.status]
        # a passed test keeps the severity its config gives a failure; warn and fail say it themselves
        if result.status == "pass":
            configured = node.severity if node is not None and node.severity in THRESHOLDS else "error"
        else:
            configured = "warn" if result.status == "warn" else "error"
        out.append(
            QualityMetric(
                source=source,
                metric=visible(result.unique_id),
                label=test_label(result.unique_id, node, models),
                count=max(result.failures or 0, 0),
                total=None,
                thresholds=THRESHOLDS[configured],
                severity=severity,
            )
        )
    return out


def problems(
    source: str,
    run: RunResults,
    freshness: SourcesResults | None,
    manifest: Manifest,
    now: datetime,
    stale_after_hours: float,
) -> list[WorkflowProblem]:
    """Failed runs (a node that errored), stale sources, and a run too old to trust."""
    models = known_relations(run.results)
    out = []
    for result in run.results:
        if result.status not in ERRORS:
            continue
        kind = result.unique_id.split(".", 1)[0]
        name = test_label(result.unique_id, manifest.get(result.unique_id), models) if kind == "test" else None
        out.append(
            WorkflowProblem(
                source=source,
                id=visible(result.unique_id),
                name=name or visible(relation_name(result.unique_id)),
                kind=f"dbt-{visible(kind)}",
                problem="failed-run",
                severity="critical",
                detail=first_line(result.message) or f"dbt {kind} ended in {visible(result.status)}",
                since=result.completed_at or run.generated_at,
            )
        )
    for check in freshness.results if freshness is not None else ():
        if check.status not in ("warn", *ERRORS):
            continue
        table = visible(relation_name(check.unique_id))
        if check.status == "runtime error":
            detail = f"freshness check failed: {first_line(check.error) or 'runtime error'}"
        else:
            limits = ", ".join(
                f"{word} after {value}"
                for word, value in (("warn", check.warn_after), ("error", check.error_after))
                if value
            )
            age = f"{check.age_seconds / 3600:.1f} h" if check.age_seconds is not None else "an unknown time"
            detail = f"{table} last loaded {age} before the freshness check" + (f" ({limits})" if limits else "")
        out.append(
            WorkflowProblem(
                source=source,
                id=visible(check.unique_id),
                name=table,
                kind="dbt-source",
                problem="stalled",
                severity="warning" if check.status == "warn" else "critical",
                detail=detail,
                since=check.max_loaded_at,
            )
        )
    hours = (now - run.generated_at).total_seconds() / 3600
    if hours > stale_after_hours:
        out.append(
            WorkflowProblem(
                source=source,
                id="run_results",
                name="dbt run",
                kind="dbt-run",
                problem="stalled",
                severity="warning",
                detail=(
                    f"dbt has not run since {when(run.generated_at)} ({hours:.0f} h ago; "
                    f"stale after {stale_after_hours:g} h)"
                ),
                since=run.generated_at,
            )
        )
    return out


def health(run: RunResults, freshness: SourcesResults | None) -> str:
    """e.g. "dbt ran 2026-12-04 06:00 UTC: 40 tests passed, 2 warned, 1 failed; 1 error; 1 of 5 sources stale"."""
    tests = Counter(r.status for r in run.results if r.unique_id.startswith("test."))
    errors = sum(1 for r in run.results if r.status in ERRORS)
    text = f"dbt ran {when(run.generated_at)}: {tests['pass']} tests passed, {tests['warn']} warned, {tests['fail']} failed"
    if errors:
        text += f"; {errors} error{'' if errors == 1 else 's'}"
    if freshness is not None:
        stale = sum(1 for c in freshness.results if c.status != "pass")
        text += f"; {stale} of {len(freshness.results)} sources stale"
    return text


def test_label(unique_id: str, node: TestNode | None, models: Iterable[str]) -> str:
    """`not_null · stg_contacts.email`: the test, then what it tests, from the manifest when it has
    the test, else from the test's name (`not_null_stg_contacts_email`) and the models of the run."""
    if node is not None and node.test:
        tested = f"{node.model}.{node.column}" if node.model and node.column else node.model or node.column
        return visible(f"{node.test} · {tested}" if tested else node.test)
    parts = unique_id.split(".")
    name = parts[2] if len(parts) > 2 else unique_id
    bare = name.removeprefix("source_")
    for test in GENERIC_TESTS:
        if bare.startswith(f"{test}_"):
            rest = bare[len(test) + 1 :]
            for model in sorted(models, key=len, reverse=True):  # the longest model name that fits
                if rest.startswith(f"{model}_"):
                    return visible(f"{test} · {model}.{rest[len(model) + 1 :]}")
            return visible(f"{test} · {rest}")
    return visible(name)


def known_relations(results: Iterable[NodeResult]) -> set[str]:
    """The model, seed and snapshot names in a run (what a test's name can be split on)."""
    return {
        relation_name(r.unique_id) for r in results if r.unique_id.split(".", 1)[0] in ("model", "seed", "snapshot")
    }


def first_line(message: str) -> str:
    """A message's first line, cleaned and capped; a bare header ("Database Error", "Database Error in
    model x (path)") takes the line after it, which says what went wrong."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return ""
    text = lines[0]
    if len(lines) > 1 and _ERROR_HEADER.fullmatch(text):
        text = f"{text}: {lines[1]}"
    text = visible(text)
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
