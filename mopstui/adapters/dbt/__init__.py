"""A dbt project's test results (`kind = "dbt"`): tests as quality metrics, errors and stale data
as workflow problems, read from the artifacts dbt writes.

    [sources.dbt]
    kind = "dbt"
    project_dir = "~/analytics"       # reads target/run_results.json, sources.json, manifest.json
    stale_after_hours = 36            # a run older than this is a `stalled` warning

Nothing runs dbt: the source reads what the team's last `dbt test` / `dbt build` and
`dbt source freshness` left. Each file is parsed again only when its modification time or size changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mopstui.adapters.dbt import artifacts, mapping
from mopstui.adapters.dbt.artifacts import Artifact, Manifest, RunResults, SourcesResults
from mopstui.adapters.dbt.options import DbtOptions
from mopstui.core.models import QualityMetric, WorkflowScan
from mopstui.core.source import Source, SourceContext

__all__ = ["DbtOptions", "DbtSource"]

#: (mtime in ns, size): a change of either means the file is parsed again.
FileKey = tuple[int, int]
READERS: dict[str, Callable[[Artifact], Any]] = {
    "run_results": artifacts.read_run_results,
    "sources": artifacts.read_sources,
    "manifest": artifacts.read_manifest,
}


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DbtSource(Source):
    """The last dbt run of one project: `fetch_quality` has the tests, `fetch_workflows` the trouble."""

    kind = "dbt"
    Options = DbtOptions
    capabilities = frozenset({"quality", "workflows"})

    def __init__(
        self,
        name: str,
        options: DbtOptions,
        context: SourceContext | None = None,
        *,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        super().__init__(name, options, context)
        self.now = now
        self.files: list[Artifact] = []
        for what in READERS:
            path, shown, explicit = options.artifact(what)
            # run_results is needed; sources.json and manifest.json only when named in the config
            self.files.append(Artifact(what, path, shown, needed=explicit or what == "run_results"))
        self._parsed: dict[str, tuple[FileKey, Any]] = {}
        #: The quality and workflow fetches of one refresh run together: one reads, the other waits.
        self._lock = asyncio.Lock()
        #: How many times a file was parsed (tests use it to prove an unchanged file is not re-read).
        self.reads = 0

    async def _load(self) -> tuple[RunResults, SourcesResults | None, Manifest]:
        async with self._lock:
            loaded: dict[str, Any] = {}
            for artifact in self.files:
                what, key = artifact.what, artifact.stat_key()
                if key is None:
                    if artifact.needed:
                        raise artifact.missing()
                    self._parsed.pop(what, None)
                    loaded[what] = None
                    continue
                cached = self._parsed.get(what)
                if cached is None or cached[0] != key:
                    cached = (key, await asyncio.to_thread(READERS[what], artifact))
                    self._parsed[what] = cached
                    self.reads += 1
                loaded[what] = cached[1]
        run, freshness = loaded["run_results"], loaded["sources"]
        self.health = mapping.health(run, freshness)
        return run, freshness, loaded["manifest"] or {}

    async def fetch_quality(self) -> list[QualityMetric]:
        run, _, manifest = await self._load()
        return mapping.metrics(self.name, run, manifest)

    async def fetch_workflows(self) -> WorkflowScan:
        run, freshness, manifest = await self._load()
        problems = mapping.problems(self.name, run, freshness, manifest, self.now(), self.options.stale_after_hours)
        return WorkflowScan(problems=problems)
