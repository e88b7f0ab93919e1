"""The dbt source: real artifact files shaped like dbt's schemas, read into metrics and problems,
each bad file one line naming it, wired through the config loader and the cockpit."""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mopstui.adapters.dbt import DbtOptions, DbtSource
from mopstui.config import load_config
from mopstui.core.errors import ConfigError, SourceError
from mopstui.core.models import QualityMetric, WorkflowProblem
from mopstui.core.service import Cockpit, SourceHandle

from fakes.clock import WallClock

RAN = "2026-12-04T06:00:00.123456Z"
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
TEST_ID = "test.analytics.not_null_stg_contacts_email.5fb22c2d"


def timing(start: str = "2026-12-04T05:59:58.000000Z", end: str = "2026-12-04T05:59:59.500000Z") -> list[dict]:
    return [
        {"name": "compile", "started_at": start, "completed_at": start},
        {"name": "execute", "started_at": start, "completed_at": end},
    ]


def result(unique_id: str, status: str, failures: int | None = 0, message: str | None = None) -> dict[str, Any]:
    return {
        "unique_id": unique_id,
        "status": status,
        "failures": failures,
        "message": message,
        "timing": timing(),
        "thread_id": "Thread-1 (worker)",
        "execution_time": 1.5,
        "adapter_response": {"_message": "SELECT 1", "code": "SELECT", "rows_affected": 1},
        "compiled": True,
        "relation_name": None,
    }


RESULTS = [
    result("model.analytics.stg_contacts", "success", None, "SELECT 1200"),
    result(
        "model.analytics.stg_opportunities",
        "error",
        None,
        'Database Error in model stg_opportunities (models/staging/stg_opportunities.sql)\n  column "amount_usd" does not exist\n  compiled code at target/run/x.sql',
    ),
    result(TEST_ID, "fail", 12, "Got 12 results, configured to fail if != 0"),
    result(
        "test.analytics.unique_stg_contacts_contact_id.1a2b3c4d", "warn", 3, "Got 3 results, configured to warn if != 0"
    ),
    result("test.analytics.accepted_values_stg_contacts_country__DE__FR.9f8e7d6c", "pass", 0, None),
    result(
        "test.analytics.assert_revenue_positive",
        "error",
        None,
        "Runtime Error in test assert_revenue_positive\n  relation does not exist",
    ),
    result("test.analytics.relationships_stg_opportunities_contact_id.0a0b0c0d", "skipped", None, None),
]


def freshness(
    unique_id: str, loaded_at: str, age_seconds: float, status: str, error_after: int | None = 24
) -> dict[str, Any]:
    """One sources.json result (schema v3), checked at 06:00 with a 12-hour warn_after."""
    return {
        "unique_id": unique_id,
        "max_loaded_at": loaded_at,
        "snapshotted_at": "2026-12-04T06:00:00+00:00",
        "max_loaded_at_time_ago_in_s": age_seconds,
        "status": status,
        "criteria": {
            "warn_after": {"count": 12, "period": "hour"},
            "error_after": {"count": error_after, "period": "hour" if error_after else None},
            "filter": None,
        },
        "adapter_response": {},
        "timing": timing(),
        "thread_id": "Thread-1",
        "execution_time": 0.2,
    }


FRESHNESS = [
    freshness("source.analytics.crm.contacts", "2026-12-02T04:00:00+00:00", 180000.0, "error"),
    freshness("source.analytics.crm.opportunities", "2026-12-03T16:00:00+00:00", 50400.0, "warn"),
    freshness("source.analytics.billing.invoices", "2026-12-04T05:00:00+00:00", 3600.0, "pass", error_after=None),
    {
        "unique_id": "source.analytics.ads.clicks",
        "error": "Database Error\n  permission denied for table clicks",
        "status": "runtime error",
    },
]

MANIFEST_NODES = {
    TEST_ID: {
        "resource_type": "test",
        "name": "not_null_stg_contacts_email",
        "unique_id": TEST_ID,
        "test_metadata": {"name": "not_null", "kwargs": {"column_name": "email"}, "namespace": None},
        "column_name": "email",
        "attached_node": "model.analytics.stg_contacts",
        "depends_on": {"macros": ["macro.dbt.test_not_null"], "nodes": ["model.analytics.stg_contacts"]},
        "config": {"severity": "ERROR"},
    },
    "test.analytics.unique_stg_contacts_contact_id.1a2b3c4d": {
        "resource_type": "test",
        "name": "unique_stg_contacts_contact_id",
        "test_metadata": {"name": "unique", "kwargs": {"column_name": "contact_id"}, "namespace": None},
        "column_name": "contact_id",
        "depends_on": {"nodes": ["model.analytics.stg_contacts"]},
        "config": {"severity": "warn"},
    },
    "model.analytics.stg_contacts": {"resource_type": "model", "name": "stg_contacts"},
}


def run_results(results: list[dict] = RESULTS, generated_at: str = RAN, version: int = 6) -> dict[str, Any]:
    return {
        "metadata": {
            "dbt_schema_version": f"https://schemas.getdbt.com/dbt/run-results/v{version}.json",
            "dbt_version": "1.8.7",
            "generated_at": generated_at,
            "invocation_id": "5c1b7a9e-0000-4000-8000-000000000000",
            "env": {},
        },
        "results": results,
        "elapsed_time": 12.5,
        "args": {"which": "build", "select": []},
    }


def sources_json(results: list[dict] = FRESHNESS, version: int = 3) -> dict[str, Any]:
    return {
        "metadata": {
            "dbt_schema_version": f"https://schemas.getdbt.com/dbt/sources/v{version}.json",
            "dbt_version": "1.8.7",
            "generated_at": RAN,
            "invocation_id": "5c1b7a9e-0000-4000-8000-000000000001",
            "env": {},
        },
        "results": results,
        "elapsed_time": 1.0,
    }


def manifest_json(nodes: dict = MANIFEST_NODES) -> dict[str, Any]:
    return {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "generated_at": RAN},
        "nodes": nodes,
        "sources": {},
        "macros": {},
    }


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return path


def project(tmp_path: Path, *, sources: bool = True, manifest: bool = True, **run: Any) -> Path:
    """A dbt project folder whose target/ holds the artifacts of one `dbt build` + freshness run."""
    target = tmp_path / "analytics" / "target"
    write(target / "run_results.json", run_results(**run))
    if sources:
        write(target / "sources.json", sources_json())
    if manifest:
        write(target / "manifest.json", manifest_json())
    return tmp_path / "analytics"


def make(project_dir: Path | str, now: datetime = NOW, **kw: Any) -> DbtSource:
    return DbtSource("dbt", DbtOptions(project_dir=str(project_dir), **kw), now=WallClock(now))


def metrics(src: DbtSource) -> dict[str, QualityMetric]:
    return {m.metric: m for m in asyncio.run(src.fetch_quality())}


def problems(src: DbtSource) -> dict[str, WorkflowProblem]:
    return {p.key: p for p in asyncio.run(src.fetch_workflows()).problems}


def error_of(src: DbtSource) -> str:
    with pytest.raises(SourceError) as info:
        asyncio.run(src.fetch_quality())
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# -- tests as metrics -----------------------------------------------------------------------------
def test_failed_and_warned_tests_are_metrics_with_counts_severities_and_labels(tmp_path: Path) -> None:
    got = metrics(make(project(tmp_path)))
    failed = got[TEST_ID]
    assert (failed.count, failed.severity, failed.label) == (12, "critical", "not_null · stg_contacts.email")
    assert failed.total is None and failed.source == "dbt"
    warned = got["test.analytics.unique_stg_contacts_contact_id.1a2b3c4d"]
    assert (warned.count, warned.severity, warned.label) == (3, "warning", "unique · stg_contacts.contact_id")


def test_a_passed_test_is_an_ok_metric_at_zero_and_errors_or_skips_are_not_metrics(tmp_path: Path) -> None:
    got = metrics(make(project(tmp_path)))
    passed = got["test.analytics.accepted_values_stg_contacts_country__DE__FR.9f8e7d6c"]
    assert (passed.count, passed.severity) == (0, "ok")
    assert len(got) == 3  # the errored and the skipped test are not counts; models never are


def test_thresholds_follow_the_severity_dbt_gives_the_test(tmp_path: Path) -> None:
    results = [result("test.analytics.unique_stg_contacts_contact_id.1a2b3c4d", "pass"), result(TEST_ID, "pass")]
    got = metrics(make(project(tmp_path, results=results)))
    assert got["test.analytics.unique_stg_contacts_contact_id.1a2b3c4d"].thresholds.critical == float("inf")  # warn
    assert got[TEST_ID].thresholds.critical == 1.0  # error: one failing row is critical
    from rich.console import Console

    from mopstui.tui.screens.detail import describe

    console = Console(width=200, record=True)
    console.print(describe(got["test.analytics.unique_stg_contacts_contact_id.1a2b3c4d"]))
    assert "warning ≥ 1, never critical" in console.export_text() and "inf" not in console.export_text()


def test_labels_without_a_manifest_come_from_the_test_name_and_the_models_run(tmp_path: Path) -> None:
    got = metrics(make(project(tmp_path, manifest=False)))
    assert got[TEST_ID].label == "not_null · stg_contacts.email"
    assert got["test.analytics.unique_stg_contacts_contact_id.1a2b3c4d"].label == "unique · stg_contacts.contact_id"


def test_older_run_results_versions_are_read(tmp_path: Path) -> None:
    for version in (4, 5):
        got = metrics(make(project(tmp_path, version=version)))
        assert got[TEST_ID].count == 12


# -- problems ---------------------------------------------------------------------------------------
def test_an_errored_model_or_test_is_a_failed_run(tmp_path: Path) -> None:
    got = problems(make(project(tmp_path)))
    model = got["dbt:model.analytics.stg_opportunities:failed-run"]
    assert model.severity == "critical" and model.name == "stg_opportunities" and model.kind == "dbt-model"
    assert model.detail == (
        "Database Error in model stg_opportunities (models/staging/stg_opportunities.sql): "
        'column "amount_usd" does not exist'
    )
    assert model.since == datetime(2026, 12, 4, 5, 59, 59, 500000, tzinfo=UTC)
    test = got["dbt:test.analytics.assert_revenue_positive:failed-run"]
    assert test.kind == "dbt-test" and "relation does not exist" in test.detail


def test_stale_sources_are_stalled_problems_with_their_age(tmp_path: Path) -> None:
    got = problems(make(project(tmp_path)))
    contacts = got["dbt:source.analytics.crm.contacts:stalled"]
    assert contacts.severity == "critical" and contacts.name == "crm.contacts"
    assert "50.0 h" in contacts.detail and "warn after 12 hours, error after 24 hours" in contacts.detail
    assert contacts.since == datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
    opportunities = got["dbt:source.analytics.crm.opportunities:stalled"]
    assert opportunities.severity == "warning" and "14.0 h" in opportunities.detail
    clicks = got["dbt:source.analytics.ads.clicks:stalled"]
    assert clicks.severity == "critical" and "permission denied" in clicks.detail
    assert "dbt:source.analytics.billing.invoices:stalled" not in got


def test_an_old_run_is_a_stalled_warning(tmp_path: Path) -> None:
    src = make(project(tmp_path), now=datetime(2026, 12, 6, 6, 0, tzinfo=UTC))
    stale = problems(src)["dbt:run_results:stalled"]
    assert stale.severity == "warning"
    assert stale.detail == "dbt has not run since 2026-12-04 06:00 UTC (48 h ago; stale after 36 h)"
    assert "dbt:run_results:stalled" not in problems(make(project(tmp_path)))  # 3 h old: fine
    assert "dbt:run_results:stalled" in problems(make(project(tmp_path), stale_after_hours=2))


def test_the_status_line_says_when_dbt_ran_and_how_the_tests_went(tmp_path: Path) -> None:
    src = make(project(tmp_path))
    asyncio.run(src.fetch_quality())
    assert src.health == (
        "dbt ran 2026-12-04 06:00 UTC: 1 tests passed, 1 warned, 1 failed; 2 errors; 3 of 4 sources stale"
    )


def test_without_sources_json_there_is_no_freshness(tmp_path: Path) -> None:
    src = make(project(tmp_path, sources=False))
    assert not [p for p in problems(src).values() if p.kind == "dbt-source"]
    assert "sources" not in src.health


def test_terminal_escapes_in_untrusted_text_are_made_visible(tmp_path: Path) -> None:
    evil = "\x1b]52;c;cm0gLXJmIH4=\x07boom\x1b[2J"
    results = [
        result("model.analytics.x\x1b[31m", "error", None, f"Compilation Error {evil}\nsecond line"),
        result(f"test.analytics.not_null_stg_\x9bcontacts_email.{evil}", "fail", 1),
    ]
    src = make(project(tmp_path, results=results, manifest=False))
    texts = [p.detail + p.name + p.id + p.kind for p in problems(src).values()]
    texts += [m.label + m.metric for m in metrics(src).values()]
    assert texts and all("\x1b" not in t and "\x9b" not in t and "\x07" not in t for t in texts)
    assert any("␛]52" in t for t in texts)


def test_a_long_message_is_one_capped_line(tmp_path: Path) -> None:
    src = make(project(tmp_path, results=[result("model.analytics.big", "error", None, "x" * 1000 + "\nmore")]))
    detail = problems(src)["dbt:model.analytics.big:failed-run"].detail
    assert len(detail) <= 160 and detail.endswith("…")


# -- bad files, one line each -----------------------------------------------------------------------
def test_missing_run_results(tmp_path: Path) -> None:
    message = error_of(make(tmp_path / "analytics"))
    assert "run_results.json not found; run `dbt test` first" in message
    assert str(tmp_path / "analytics" / "target" / "run_results.json") in message


def test_missing_named_sources_file(tmp_path: Path) -> None:
    message = error_of(make(project(tmp_path), sources=str(tmp_path / "elsewhere.json")))
    assert message.endswith("elsewhere.json not found; run `dbt source freshness` first")


@pytest.mark.parametrize(
    "what, text, expected",
    [
        ("run_results", "{not json", "run_results.json is not valid JSON (line 1 column 2)"),
        ("run_results", '["a list"]', "run_results.json is not a dbt artifact"),
        ("run_results", "\xff\xfe", "run_results.json is not valid JSON"),
        ("run_results", json.dumps({"results": []}), "no metadata.dbt_schema_version"),
        (
            "run_results",
            json.dumps(run_results(version=7)),
            "has dbt_schema_version 'https://schemas.getdbt.com/dbt/run-results/v7.json'; mopstui reads run-results v4, v5, v6",
        ),
        ("run_results", json.dumps(run_results(version=3)), "mopstui reads run-results v4"),
        ("run_results", json.dumps(sources_json()), "mopstui reads run-results"),
        (
            "run_results",
            json.dumps(run_results(generated_at="yesterday")),
            "metadata.generated_at: expected an ISO date and time",
        ),
        ("run_results", json.dumps(run_results(results=[{"status": "pass"}])), "results[0].unique_id: expected text"),
        (
            "run_results",
            json.dumps(run_results(results=[result(TEST_ID, "fail", "many")])),
            "results[0].failures: expected a number",
        ),
        ("sources", "garbage", "sources.json is not valid JSON"),
        ("sources", json.dumps(sources_json(version=4)), "mopstui reads sources v1, v2, v3"),
        (
            "manifest",
            json.dumps({"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v99.json"}}),
            "mopstui reads manifest v4",
        ),
    ],
)
def test_each_bad_file_is_one_line_naming_it(tmp_path: Path, what: str, text: str, expected: str) -> None:
    root = project(tmp_path)
    write(root / "target" / f"{what}.json", text)
    message = error_of(make(root))
    assert message.startswith(f"dbt {what}: {root / 'target' / what}.json ")
    assert expected in message


def test_bad_options() -> None:
    with pytest.raises(ValueError, match="project_dir"):
        DbtOptions(project_dir=" ")
    with pytest.raises(ValueError, match="stale_after_hours"):
        DbtOptions(project_dir="x", stale_after_hours=0)


# -- re-reading -------------------------------------------------------------------------------------
def test_files_are_read_again_only_when_they_change(tmp_path: Path) -> None:
    root = project(tmp_path)
    src = make(root)

    async def go() -> tuple[int, int, int]:
        await src.fetch_quality()
        await src.fetch_workflows()
        first = src.reads
        await src.fetch_quality()
        unchanged = src.reads
        path = write(root / "target" / "run_results.json", run_results(results=[result(TEST_ID, "fail", 99)]))
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
        got = {m.metric: m.count for m in await src.fetch_quality()}
        assert got == {TEST_ID: 99}
        return first, unchanged, src.reads

    assert asyncio.run(go()) == (3, 3, 4)  # three files once, then run_results again


def test_project_dir_tilde_and_overrides(isolated_home: Path) -> None:
    write(isolated_home / "dbt-out" / "rr.json", run_results(results=[result(TEST_ID, "fail", 12)]))
    src = make("~/nowhere", run_results="~/dbt-out/rr.json")
    assert metrics(src)[TEST_ID].label == "not_null · stg_contacts_email"  # no manifest there, no models run


# -- wiring -----------------------------------------------------------------------------------------
def test_through_config_and_cockpit(tmp_path: Path, write_config) -> None:  # type: ignore[no-untyped-def]
    root = project(tmp_path)
    config = load_config(write_config(f'[sources.dbt]\nkind = "dbt"\nproject_dir = "{root}"\nstale_after_hours = 48\n'))
    sc = config.source("dbt")
    assert sc.kind == "dbt" and sc.options.stale_after_hours == 48.0
    cockpit = Cockpit({"dbt": SourceHandle(sc.cls(sc.name, sc.options))})
    (result_,) = asyncio.run(cockpit.refresh())
    assert result_.status.state == "ok", result_.status.error
    assert {m.metric for m in result_.metrics} >= {TEST_ID}
    assert {p.problem for p in result_.problems} == {"failed-run", "stalled"}
    assert result_.status.health.startswith("dbt ran 2026-12-04 06:00 UTC")


@pytest.mark.parametrize(
    "text, expected",
    [
        (None, "run_results.json not found; run `dbt test` first"),
        ("{{{", "run_results.json is not valid JSON"),
        (json.dumps(run_results(version=2)), "mopstui reads run-results v4, v5, v6"),
    ],
)
def test_a_bad_file_reaches_the_cockpit_as_one_line(
    tmp_path: Path, write_config, text: str | None, expected: str
) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "analytics"
    if text is not None:
        write(root / "target" / "run_results.json", text)
    config = load_config(write_config(f'[sources.dbt]\nkind = "dbt"\nproject_dir = "{root}"\n'))
    sc = config.source("dbt")
    cockpit = Cockpit({"dbt": SourceHandle(sc.cls(sc.name, sc.options))})
    (result_,) = asyncio.run(cockpit.refresh())
    assert result_.status.state == "error"
    assert expected in result_.status.error and "\n" not in result_.status.error


@pytest.mark.parametrize(
    "text, key",
    [
        ('project_dri = "~/analytics"', "sources.dbt.project_dri"),
        ('project_dir = "~/analytics"\nstale_after_hour = 3', "sources.dbt.stale_after_hour"),
        ('project_dir = "~/analytics"\nstale_after_hours = "soon"', "sources.dbt.stale_after_hours"),
        ("stale_after_hours = 3", "sources.dbt.project_dir"),
    ],
)
def test_config_errors_are_one_line(write_config, text: str, key: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as info:
        load_config(write_config(f'[sources.dbt]\nkind = "dbt"\n{text}\n'))
    message = str(info.value)
    assert key in message and "\n" not in message
