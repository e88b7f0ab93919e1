"""The straightforward alternative: read the CSV with the csv module and apply quality.py row by row.

Used by bench_file_scan.py as the baseline; it also cross-checks the DuckDB counts on the big file.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from mopstui.core import quality as q

#: The generated file's headers for our fields (see gen_contacts.py).
COLUMNS = {
    "email": "Email Address",
    "first_name": "First Name",
    "last_name": "Last Name",
    "country": "Country",
    "lead_source": "Lead Source",
    "last_activity": "Last Activity Date",
    "unsubscribed": "Unsubscribed",
    "marketable": "Marketable",
}


def scan(path: Path, today: date, stale_after_days: int = 730) -> tuple[int, dict[str, int]]:
    """(rows, counts) for every rule, required fields email, country and lead_source."""
    counts = dict.fromkeys(
        [
            "duplicates",
            "invalid_email",
            "missing:email",
            "missing:country",
            "missing:lead_source",
            "role_email",
            "personal_email",
            "test_record",
            "stale",
            "unsubscribed_marketable",
        ],
        0,
    )
    seen: set[str] = set()
    total = 0
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        at = {ours: header.index(theirs) for ours, theirs in COLUMNS.items()}
        e, fn, ln, co, ls, la, un, mk = (at[k] for k in COLUMNS)
        for row in reader:
            total += 1
            email = row[e]
            norm = q.normalise_email(email)
            if norm:
                if norm in seen:
                    counts["duplicates"] += 1
                seen.add(norm)
            counts["invalid_email"] += q.is_invalid_email(email)
            counts["missing:email"] += q.is_blank(email)
            counts["missing:country"] += q.is_blank(row[co])
            counts["missing:lead_source"] += q.is_blank(row[ls])
            counts["role_email"] += q.is_role_email(email)
            counts["personal_email"] += q.is_personal_email(email)
            counts["test_record"] += q.is_test_record(email, row[fn], row[ln])
            counts["stale"] += q.is_stale(row[la], today, stale_after_days)
            counts["unsubscribed_marketable"] += q.is_unsubscribed_marketable(row[un], row[mk])
    return total, counts
