"""The `[sources.NAME]` options of a `kind = "warehouse"` source, checked when the config is loaded.

The rule options (`columns`, `required_fields`, `stale_after_days`, `thresholds`) are the file
source's, checked by the same code; the connection options depend on the dialect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from mopstui.adapters.files.options import FileOptions
from mopstui.adapters.warehouse.dialects import DIALECTS, Dialect, table_expression
from mopstui.core.models import Thresholds

#: The connection keys each dialect takes; any other one set is refused, so a typo is not ignored.
CONNECTION_KEYS: dict[str, tuple[str, ...]] = {
    "postgres": ("dsn",),
    "snowflake": ("account", "user", "warehouse", "role", "database", "schema"),
    "bigquery": ("project", "location"),
    "duckdb": ("database",),
}
#: Keys a dialect cannot do without.
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "postgres": ("dsn",),
    "snowflake": ("account", "user"),
    "bigquery": (),
    "duckdb": ("database",),
}


def dsn_has_password(dsn: str) -> bool:
    """A libpq connection string with a password in it: `password=...` (keyword form or URI query)
    or `postgresql://user:secret@host` (libpq docs, "Connection URIs")."""
    if "password=" in re.sub(r"\s", "", dsn).lower():
        return True
    try:
        return bool(urlsplit(dsn.strip()).password)
    except ValueError:  # not a URI (a keyword string, or one urllib cannot read)
        return False


@dataclass(frozen=True)
class WarehouseOptions:
    """Options of a warehouse source: which engine, which table, how its columns map to ours."""

    dialect: str
    table: str
    columns: dict[str, str] = field(default_factory=dict)
    required_fields: list[str] = field(default_factory=lambda: ["email"])
    stale_after_days: int = 730
    thresholds: dict[str, list[float]] = field(default_factory=dict)
    dsn: str = ""
    account: str = ""
    user: str = ""
    warehouse: str = ""
    role: str = ""
    database: str = ""
    schema: str = ""
    project: str = ""
    location: str = ""

    def __post_init__(self) -> None:
        if self.dialect not in DIALECTS:
            raise ValueError(f"dialect: expected one of {', '.join(DIALECTS)}, got {self.dialect!r}")
        table_expression(self.table, self.dialect_name)
        self.rules()  # the file source's checks of columns, required_fields, stale_after_days, thresholds
        allowed = CONNECTION_KEYS[self.dialect]
        for key in ("dsn", "account", "user", "warehouse", "role", "database", "schema", "project", "location"):
            if getattr(self, key) and key not in allowed:
                raise ValueError(
                    f"{key}: not a {self.dialect} setting (a {self.dialect} source takes {', '.join(allowed)})"
                )
        for key in REQUIRED_KEYS[self.dialect]:
            if not getattr(self, key).strip():
                raise ValueError(f"{key}: required for dialect {self.dialect!r}")
        if dsn_has_password(self.dsn):
            raise ValueError("dsn: holds a password; keep it in the keyring (`mopstui auth set NAME password`)")

    @property
    def dialect_name(self) -> Dialect:
        return self.dialect  # type: ignore[return-value]  # checked in __post_init__

    def rules(self) -> FileOptions:
        """The rule options as a file source's (same checks, same meaning)."""
        return FileOptions(
            path="table.csv",
            columns=self.columns,
            required_fields=self.required_fields,
            stale_after_days=self.stale_after_days,
            thresholds=self.thresholds,
        )

    def threshold_overrides(self) -> dict[str, Thresholds]:
        return self.rules().threshold_overrides()
