"""The `[sources.NAME]` options of a `kind = "salesforce"` source, checked when the config is loaded.

The data-quality keys (`columns`, `required_fields`, `stale_after_days`, `thresholds`) mean what
they mean for a `file` source, and are checked by the file source's own rules; `columns` maps our
field names to Salesforce field API names (e.g. `{ country = "Country__c" }`) on every object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mopstui.adapters.files.options import FileOptions
from mopstui.core.models import Thresholds

#: Threshold keys of this kind beyond the file rules': the org's own duplicate rules.
DUPLICATE_RULE_HITS = "duplicate_rule_hits"
#: The longest `export_every_hours` taken: a month (Salesforce keeps a job's results 7 days anyway).
MAX_EXPORT_HOURS = 24.0 * 31
_VERSION = re.compile(r"v[0-9]{2,3}\.0")
_OBJECT = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass(frozen=True)
class SalesforceOptions:
    """Options of a Salesforce org (the connected app's consumer secret is a secret, not an option)."""

    instance_url: str = field(metadata={"suggest": "https://acme.my.salesforce.com"})
    client_id: str = field(metadata={"help": "the connected app's consumer key"})
    objects: list[str] = field(default_factory=lambda: ["Lead", "Contact"])
    api_version: str = "v62.0"
    export_every_hours: float = 24.0
    columns: dict[str, str] = field(default_factory=dict)
    required_fields: list[str] = field(default_factory=lambda: ["email"])
    stale_after_days: int = 730
    thresholds: dict[str, list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        url = self.instance_url.strip().rstrip("/")
        if not url.startswith(("https://", "http://")) or "/" in url.split("://", 1)[1]:
            raise ValueError(
                f"instance_url: expected the org's address like https://acme.my.salesforce.com, got {self.instance_url!r}"
            )
        object.__setattr__(self, "instance_url", url)
        if not self.client_id.strip():
            raise ValueError("client_id: expected the connected app's consumer key")
        if not _VERSION.fullmatch(self.api_version):
            raise ValueError(f"api_version: expected a REST API version like 'v62.0', got {self.api_version!r}")
        if not self.objects:
            raise ValueError('objects: expected at least one object, e.g. ["Lead", "Contact"]')
        for i, name in enumerate(self.objects):
            if not _OBJECT.fullmatch(name):
                raise ValueError(f"objects[{i}]: expected an object API name like 'Lead', got {name!r}")
        if len(set(self.objects)) != len(self.objects):
            raise ValueError("objects: an object is listed twice")
        if not 0 < self.export_every_hours <= MAX_EXPORT_HOURS:
            raise ValueError(f"export_every_hours: expected hours above 0 and at most {MAX_EXPORT_HOURS:g}")
        pair = self.thresholds.get(DUPLICATE_RULE_HITS)
        if pair is not None and (len(pair) != 2 or not 0 <= pair[0] <= pair[1]):
            raise ValueError(f"thresholds.{DUPLICATE_RULE_HITS}: expected [warning, critical] counts")
        self.file_options("check.csv")  # the file rules' own checks, raising ValueError naming the key

    def file_options(self, path: str) -> FileOptions:
        """The options a `file` source reading an export of this org at `path` runs with."""
        rules = {k: v for k, v in self.thresholds.items() if k != DUPLICATE_RULE_HITS}
        return FileOptions(
            path=path,
            columns=dict(self.columns),
            required_fields=list(self.required_fields),
            stale_after_days=self.stale_after_days,
            thresholds=rules,
        )

    def duplicate_rule_thresholds(self) -> dict[str, Thresholds]:
        pair = self.thresholds.get(DUPLICATE_RULE_HITS)
        return {DUPLICATE_RULE_HITS: Thresholds(float(pair[0]), float(pair[1]))} if pair else {}
