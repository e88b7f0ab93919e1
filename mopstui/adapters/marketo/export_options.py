"""Checks of a Marketo source's `quality_export` keys, raising ValueError naming the key."""

from __future__ import annotations

from datetime import date
from typing import Any

from mopstui.adapters.files.options import FileOptions


def check_export_options(options: Any) -> None:
    try:
        since = date.fromisoformat(options.export_since)
    except ValueError:
        raise ValueError(f"export_since: expected a date like 2010-01-01, got {options.export_since!r}") from None
    if since.year < 2000:
        raise ValueError("export_since: expected a date from 2000 on (Marketo's first leads)")
    FileOptions(path="check.csv", required_fields=list(options.required_fields))  # the file rules' own checks
