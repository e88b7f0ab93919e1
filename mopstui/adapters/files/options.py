"""The `[sources.NAME]` options of a `kind = "file"` source, checked when the config is loaded.

Checks here raise ValueError; the config loader turns that into a one-line ConfigError naming the
file and the source, so a typo in a threshold or a column name never reaches a scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mopstui.core.models import Thresholds

#: File endings we read, and the reader each one uses.
FORMATS: dict[str, str] = {".csv.gz": "csv", ".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl"}

#: Our column names with a meaning beyond "required": the email rules, test names, stale, unsubscribed.
KNOWN_FIELDS = ("email", "first_name", "last_name", "last_activity", "unsubscribed", "marketable")

#: The longest stale cut-off taken: a century.
MAX_STALE_DAYS = 36_500

#: Rules whose thresholds may be overridden; `missing` sets every `missing:<field>` at once.
THRESHOLD_KEYS = (
    "duplicates",
    "invalid_email",
    "missing",
    "role_email",
    "personal_email",
    "test_record",
    "stale",
    "unsubscribed_marketable",
)


def file_format(path: str) -> str | None:
    """`csv`, `parquet` or `jsonl` for a supported file name, else None."""
    lower = path.lower()
    for ending, kind in FORMATS.items():
        if lower.endswith(ending):
            return kind
    return None


@dataclass(frozen=True)
class FileOptions:
    """Options of a contact-export source.

    `columns` maps our field names to the file's headers; a field not mapped is looked up by its own
    name. `thresholds` overrides a rule's [warning, critical] percentages, e.g. `{ duplicates = [1, 5] }`.
    """

    path: str
    columns: dict[str, str] = field(default_factory=dict)
    required_fields: list[str] = field(default_factory=lambda: ["email"])
    stale_after_days: int = 730
    thresholds: dict[str, list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.path.strip():
            raise ValueError("path: expected the path of a contact export")
        if file_format(self.path) is None:
            raise ValueError(f"path: expected a .csv, .csv.gz, .parquet or .jsonl file, got {self.path!r}")
        if not 1 <= self.stale_after_days <= MAX_STALE_DAYS:  # beyond it the cut-off is before year 1
            raise ValueError(f"stale_after_days: expected 1 or more days and at most {MAX_STALE_DAYS}")
        for name in self.required_fields:
            if not name.strip():
                raise ValueError("required_fields: expected field names, got an empty one")
        usable = set(KNOWN_FIELDS) | set(self.required_fields)
        for ours, theirs in self.columns.items():
            if ours not in usable:
                raise ValueError(
                    f"columns.{ours}: not a field mopstui uses (expected one of "
                    f"{', '.join(sorted(usable))}; list other fields in required_fields first)"
                )
            if not theirs.strip():
                raise ValueError(f"columns.{ours}: expected the file's column header, got an empty string")
        for key, pair in self.thresholds.items():
            base = "missing" if key.startswith("missing:") else key
            if base not in THRESHOLD_KEYS:
                raise ValueError(
                    f"thresholds.{key}: unknown rule (expected one of {', '.join(THRESHOLD_KEYS)} or missing:<field>)"
                )
            if len(pair) != 2 or not 0 <= pair[0] <= pair[1]:
                raise ValueError(
                    f"thresholds.{key}: expected [warning, critical] percentages with 0 <= warning <= critical"
                )

    @property
    def format(self) -> str:
        return file_format(self.path) or "csv"

    def threshold_overrides(self) -> dict[str, Thresholds]:
        return {key: Thresholds(float(w), float(c)) for key, (w, c) in self.thresholds.items()}
