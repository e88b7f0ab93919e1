"""The `[sources.NAME]` options of a `kind = "dbt"` source, checked when the config is loaded.

Checks here raise ValueError; the config loader turns that into a one-line ConfigError naming the
file and the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: The longest stale cut-off taken: a year.
MAX_STALE_HOURS = 8_760.0


@dataclass(frozen=True)
class DbtOptions:
    """Options of a dbt source: the project, and where its artifacts are if not in `<project>/target/`.

    An empty `run_results`, `sources` or `manifest` means the file of that name in `target/`; a
    `sources.json` or `manifest.json` missing there is simply not read (freshness and model names
    are optional), one named here must exist.
    """

    project_dir: str = field(metadata={"help": "the dbt project folder (the one with dbt_project.yml)"})
    run_results: str = field(default="", metadata={"help": "run_results.json, if not in <project_dir>/target"})
    sources: str = field(default="", metadata={"help": "sources.json (freshness), if not in <project_dir>/target"})
    manifest: str = field(default="", metadata={"help": "manifest.json (model names), if not in <project_dir>/target"})
    stale_after_hours: float = field(default=36.0, metadata={"help": "warn when dbt last ran longer ago than this"})

    def __post_init__(self) -> None:
        if not self.project_dir.strip():
            raise ValueError("project_dir: expected the folder of a dbt project")
        if not 0 < self.stale_after_hours <= MAX_STALE_HOURS:
            raise ValueError(f"stale_after_hours: expected a number of hours above 0 and at most {MAX_STALE_HOURS:g}")

    def artifact(self, name: str) -> tuple[Path, str, bool]:
        """The path of artifact `name` ("run_results", "sources", "manifest"), the path as the user
        wrote it (for messages), and whether it was named explicitly."""
        given: str = getattr(self, name)
        shown = given or str(Path(self.project_dir) / "target" / f"{name}.json")
        return Path(shown).expanduser(), shown, bool(given)
