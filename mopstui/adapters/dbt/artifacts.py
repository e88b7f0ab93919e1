"""dbt's JSON artifacts read and checked: run_results.json, sources.json, manifest.json.

Only the fields mopstui maps are kept. Anything wrong with a file (missing, not JSON, another
schema version, a field of the wrong type) raises one SourceError line naming the file. Untrusted
text is kept raw here; mapping.py cleans it before it reaches a label.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mopstui.core.errors import SourceError
from mopstui.core.safe_text import visible

#: The schema versions read, per artifact: dbt 1.0 onwards (v6 run results is dbt 1.8+).
VERSIONS: dict[str, tuple[str, tuple[int, ...]]] = {
    "run_results": ("run-results", (4, 5, 6)),
    "sources": ("sources", (1, 2, 3)),
    "manifest": ("manifest", tuple(range(4, 13))),
}
#: What to run when a file is missing.
HINTS = {
    "run_results": "run `dbt test` first",
    "sources": "run `dbt source freshness` first",
    "manifest": "run `dbt compile` first",
}
#: A bigger artifact is refused rather than parsed into memory (a large project's manifest is ~100 MB).
MAX_BYTES = 1024 * 1024 * 1024
_VERSION = re.compile(r"https://schemas\.getdbt\.com/dbt/([a-z-]+)/v([0-9]+)\.json")


@dataclass(frozen=True)
class NodeResult:
    """One node of a run: a test, model, seed or snapshot, its status and what it said."""

    unique_id: str
    status: str
    failures: int | None
    message: str
    completed_at: datetime | None


@dataclass(frozen=True)
class RunResults:
    generated_at: datetime
    results: tuple[NodeResult, ...]


@dataclass(frozen=True)
class Freshness:
    """One source table's freshness check; `error` is the message of a runtime error."""

    unique_id: str
    status: str
    age_seconds: float | None
    max_loaded_at: datetime | None
    warn_after: str
    error_after: str
    error: str


@dataclass(frozen=True)
class SourcesResults:
    generated_at: datetime
    results: tuple[Freshness, ...]


@dataclass(frozen=True)
class TestNode:
    """What the manifest says of a test: its generic name (`not_null`), the model and column tested,
    and its configured severity ("warn" or "error")."""

    test: str
    model: str
    column: str
    severity: str


#: unique_id -> test node; model names are read from unique ids, so only tests are kept.
Manifest = Mapping[str, TestNode]


class Artifact:
    """One artifact file: `what` (run_results, sources, manifest), its path, the path as configured,
    and whether a refresh needs it (a missing optional file is read as absent)."""

    def __init__(self, what: str, path: Path, shown: str, needed: bool) -> None:
        self.what, self.path, self.shown, self.needed = what, path, shown, needed

    def fail(self, problem: str) -> SourceError:
        return SourceError(f"dbt {self.what}: {self.shown} {problem}")

    def stat_key(self) -> tuple[int, int] | None:
        """(mtime in ns, size) of the file, None if it does not exist."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self.fail(f"cannot be read ({exc.strerror or exc})") from None
        if not os.path.isfile(self.path):
            raise self.fail("is not a file")
        return (st.st_mtime_ns, st.st_size)

    def missing(self) -> SourceError:
        return self.fail(f"not found; {HINTS[self.what]}")

    def load(self) -> dict[str, Any]:
        """The file's JSON object, its schema version checked."""
        try:
            with open(self.path, "rb") as fh:
                raw = fh.read(MAX_BYTES + 1)
        except FileNotFoundError:
            raise self.missing() from None
        except OSError as exc:
            raise self.fail(f"cannot be read ({exc.strerror or exc})") from None
        if len(raw) > MAX_BYTES:
            raise self.fail(f"is larger than {MAX_BYTES // 2**20} MB")
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            where = f" (line {exc.lineno} column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            raise self.fail(f"is not valid JSON{where}; is it a dbt artifact?") from None
        except RecursionError:
            raise self.fail("is nested too deeply to be a dbt artifact") from None
        if not isinstance(data, dict):
            raise self.fail("is not a dbt artifact (expected a JSON object)")
        self._check_version(data)
        return data

    def _check_version(self, data: dict[str, Any]) -> None:
        name, versions = VERSIONS[self.what]
        metadata = data.get("metadata")
        version = metadata.get("dbt_schema_version") if isinstance(metadata, dict) else None
        if not isinstance(version, str):
            raise self.fail("is not a dbt artifact (no metadata.dbt_schema_version)")
        match = _VERSION.fullmatch(version)
        if match is None or match[1] != name or int(match[2]) not in versions:
            taken = ", ".join(f"v{n}" for n in versions)
            raise self.fail(f"has dbt_schema_version {visible(version[:120])!r}; mopstui reads {name} {taken}")

    # -- field access, each failure naming the file and the field ------------------------------
    def items(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"is not a dbt artifact ({key}: expected a list of objects)")
        return value

    def text(self, item: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = item.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}: expected text")
        return value

    def number(self, item: dict[str, Any], key: str, where: str) -> float | None:
        value = item.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{where}.{key}: expected a number")
        return float(value)

    def optional_time(self, value: Any, where: str) -> datetime | None:
        return None if value is None else self.time(value, where)

    def generated_at(self, data: dict[str, Any]) -> datetime:
        return self.time(data["metadata"].get("generated_at"), "metadata.generated_at")

    def time(self, value: Any, where: str) -> datetime:
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # dbt writes UTC
        raise self.fail(f"{where}: expected an ISO date and time")


def read_run_results(artifact: Artifact) -> RunResults:
    data = artifact.load()
    results = []
    for n, item in enumerate(artifact.items(data, "results")):
        where = f"results[{n}]"
        failures = artifact.number(item, "failures", where)
        completed = None
        timing = item.get("timing")
        if isinstance(timing, list) and timing and isinstance(timing[-1], dict):
            completed = artifact.optional_time(timing[-1].get("completed_at"), f"{where}.timing")
        results.append(
            NodeResult(
                unique_id=artifact.text(item, "unique_id", where),
                status=artifact.text(item, "status", where),
                failures=None if failures is None else int(failures),
                message=artifact.text(item, "message", where, required=False),
                completed_at=completed,
            )
        )
    return RunResults(artifact.generated_at(data), tuple(results))


def read_sources(artifact: Artifact) -> SourcesResults:
    data = artifact.load()
    results = []
    for n, item in enumerate(artifact.items(data, "results")):
        where = f"results[{n}]"
        criteria = _obj(item.get("criteria"))
        results.append(
            Freshness(
                unique_id=artifact.text(item, "unique_id", where),
                status=artifact.text(item, "status", where),
                age_seconds=artifact.number(item, "max_loaded_at_time_ago_in_s", where),
                max_loaded_at=artifact.optional_time(item.get("max_loaded_at"), f"{where}.max_loaded_at"),
                warn_after=_period(criteria.get("warn_after")),
                error_after=_period(criteria.get("error_after")),
                error=artifact.text(item, "error", where, required=False),
            )
        )
    return SourcesResults(artifact.generated_at(data), tuple(results))


def read_manifest(artifact: Artifact) -> dict[str, TestNode]:
    nodes = artifact.load().get("nodes")
    if not isinstance(nodes, dict):
        raise artifact.fail("is not a dbt manifest (nodes: expected an object)")
    tests = {}
    for uid, node in nodes.items():
        if not (isinstance(node, dict) and node.get("resource_type") == "test"):
            continue
        meta = _obj(node.get("test_metadata"))
        test = _str(meta.get("name")) or _str(node.get("name"))
        if _str(meta.get("namespace")):
            test = f"{meta['namespace']}.{test}"
        config = _obj(node.get("config"))
        tests[str(uid)] = TestNode(
            test=test,
            model=_tested_model(node),
            column=_str(node.get("column_name")),
            severity=_str(config.get("severity")).lower() or "error",
        )
    return tests


def _tested_model(node: dict[str, Any]) -> str:
    """The model (or source, seed, snapshot) a test is attached to, as `stg_contacts` / `crm.contacts`."""
    attached = _str(node.get("attached_node"))
    if not attached:
        nodes = _obj(node.get("depends_on")).get("nodes")
        nodes = nodes if isinstance(nodes, list) else []
        attached = next((_str(n) for n in nodes if _str(n).split(".")[0] in RELATIONS), "")
    return relation_name(attached)


#: The resource types a test can be about.
RELATIONS = ("model", "source", "seed", "snapshot")


def relation_name(unique_id: str) -> str:
    """`model.analytics.stg_contacts` -> `stg_contacts`, `source.analytics.crm.contacts` -> `crm.contacts`."""
    parts = unique_id.split(".")
    return ".".join(parts[2:]) if len(parts) > 2 else unique_id


def _period(value: Any) -> str:
    """dbt's `{count: 12, period: hour}` as "12 hours"; "" when not set."""
    if not isinstance(value, dict) or not isinstance(value.get("count"), int) or not value.get("period"):
        return ""
    count, period = value["count"], _str(value["period"])
    return f"{count} {period}{'' if count == 1 else 's'}"


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
