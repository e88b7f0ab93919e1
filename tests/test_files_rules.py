"""The file source's SQL rules give the same answers as the Python predicates in mopstui.core.quality."""

from __future__ import annotations

import asyncio
import csv
import random
from datetime import date
from pathlib import Path

import pytest

from mopstui.adapters.files import FileOptions, FileSource
from mopstui.adapters.files.rules_sql import PY_WHITESPACE
from mopstui.core import quality as q

TODAY = date(2026, 1, 1)
HEADER = ["email", "first_name", "last_name", "country", "lead_source", "last_activity", "unsubscribed", "marketable"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def source(path: Path, **kw: object) -> FileSource:
    kw.setdefault("required_fields", ["email", "country", "lead_source"])
    return FileSource("crm", FileOptions(path=str(path), **kw), today=lambda: TODAY)  # type: ignore[arg-type]


def counts(src: FileSource) -> dict[str, int]:
    return {m.metric: m.count for m in asyncio.run(src.fetch_quality())}


def python_counts(rows: list[list[str]], stale_after_days: int = 730) -> dict[str, int]:
    """The reference: quality.py predicates, row by row, as the README defines each rule."""
    out = dict.fromkeys(
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
    for email, first, last, country, source_, activity, unsub, mkt in rows:
        norm = q.normalise_email(email)
        if norm:
            out["duplicates"] += norm in seen
            seen.add(norm)
        out["invalid_email"] += q.is_invalid_email(email)
        out["missing:email"] += q.is_blank(email)
        out["missing:country"] += q.is_blank(country)
        out["missing:lead_source"] += q.is_blank(source_)
        out["role_email"] += q.is_role_email(email)
        out["personal_email"] += q.is_personal_email(email)
        out["test_record"] += q.is_test_record(email, first, last)
        out["stale"] += q.is_stale(activity, TODAY, stale_after_days)
        out["unsubscribed_marketable"] += q.is_unsubscribed_marketable(unsub, mkt)
    return out


def test_whitespace_set_is_pythons() -> None:
    assert PY_WHITESPACE == "".join(c for c in map(chr, range(0x110000)) if c.isspace())


@pytest.mark.parametrize(
    "metric, rows, expected",
    [
        ("duplicates", [["a@x.com"], [" A@X.com "], ["a@x.com"], ["b@x.com"], [""], [""]], 2),
        (
            "invalid_email",
            [
                ["plain"],
                ["@x.com"],
                ["a@"],
                ["a@x"],
                ["a b@x.com"],
                ["a@@x.com"],
                ["a@x.com@y.org"],
                ["a@x."],
                [""],
                ["  "],
                ["ok@x.com"],
                [" ok@x.co.uk "],
            ],
            8,
        ),
        ("missing:email", [[""], ["  "], ["\u00a0"], ["a@x.com"]], 3),
        ("role_email", [["info@x.com"], ["Sales@X.com"], ["no-reply@x.com"], ["info@x"], ["infos@x.com"], ["info"]], 3),
        ("personal_email", [["a@gmail.com"], ["b@GMAIL.COM"], ["c@mail.gmail.com"], ["d@gmail"], ["gmail.com"]], 2),
        (
            "test_record",
            [
                ["test@acme.com"],
                ["asdf@acme.com"],
                ["x@example.com"],
                ["test+1@acme.com"],
                ["test"],
                ["tester@x"],
                ["contest@acme.com"],
                ["a@example.com.au"],
            ],
            6,
        ),
    ],
)
def test_email_rules_known_answers(tmp_path: Path, metric: str, rows: list[list[str]], expected: int) -> None:
    full = [[r[0], "Ann", "Lee", "DE", "Web", "", "", ""] for r in rows]
    path = write_csv(tmp_path / "c.csv", full)
    assert counts(source(path))[metric] == expected
    assert python_counts(full)[metric] == expected


def test_missing_fields_and_names(tmp_path: Path) -> None:
    rows = [
        ["a@x.com", "Mickey", "Mouse", "", "Web", "", "", ""],
        ["b@x.com", " mickey ", "MOUSE", " ", "", "", "", ""],
        ["c@x.com", "", "John Doe", "FR", "\t", "", "", ""],
        ["d@x.com", "Minnie", "Mouse", "FR", "Web", "", "", ""],
    ]
    got = counts(source(write_csv(tmp_path / "c.csv", rows)))
    assert got["missing:country"] == 2 and got["missing:lead_source"] == 2
    assert got["test_record"] == 3
    assert got == python_counts(rows)


def test_stale_and_unsubscribed(tmp_path: Path) -> None:
    rows = [
        ["a@x.com", "", "", "DE", "Web", "2023-12-31", "true", "TRUE"],  # stale (cut-off 2024-01-02), flagged
        ["b@x.com", "", "", "DE", "Web", "2024-01-01T23:59:00Z", "yes", "no"],  # stale
        ["c@x.com", "", "", "DE", "Web", "2024-01-02", " 1 ", "y"],  # the cut-off day itself: not stale
        ["d@x.com", "", "", "DE", "Web", "2025-06-01 10:00", "false", "true"],
        ["e@x.com", "", "", "DE", "Web", "03/01/2019", "", "true"],  # not ISO: unknown, not stale
        ["f@x.com", "", "", "DE", "Web", "2019-02-30", "t", "T"],  # impossible date: not stale
        ["g@x.com", "", "", "DE", "Web", "0000-01-01", "", ""],
        ["h@x.com", "", "", "DE", "Web", " 2001-05-05 ", "", ""],  # stale
    ]
    got = counts(source(write_csv(tmp_path / "c.csv", rows)))
    assert got["stale"] == 3
    assert got["unsubscribed_marketable"] == 3
    assert got == python_counts(rows)


def test_stale_after_days_option(tmp_path: Path) -> None:
    rows = [
        ["a@x.com", "", "", "DE", "Web", "2025-10-01", "", ""],
        ["b@x.com", "", "", "DE", "Web", "2025-12-30", "", ""],
    ]
    path = write_csv(tmp_path / "c.csv", rows)
    assert counts(source(path, stale_after_days=30))["stale"] == 1
    assert counts(source(path, stale_after_days=730))["stale"] == 0


def test_rules_without_optional_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["a@x.com"], ["a@x.com"]], header=["email"])
    got = counts(source(path, required_fields=["email"]))
    assert "stale" not in got and "unsubscribed_marketable" not in got
    assert got["duplicates"] == 1


_POOL = [
    "",
    " ",
    "\u00a0",
    "a@x.com",
    " A@X.COM",
    "a@x.com\u2003",
    "info@acme.io",
    "INFO@acme.io ",
    "sales@x",
    "x@gmail.com",
    "y@Yahoo.Co.Uk",
    "test@acme.com",
    "test+7@acme.com",
    "asdf",
    "a b@x.com",
    "a@@x.com",
    "@x.com",
    "a@x.",
    "a@x..com",
    "z@example.com",
    "z@example.com.au",
    "tést@exämple.de",
    "no-reply@x.org",
    "a\tb@x.com",
    "a@x.com\n",
    "qwerty@@",
    "k@x.c",
    "\u3000m@x.com\u3000",
    "a@x.c\u00a0om",
]
_NAMES = [
    "",
    " ",
    "Mickey",
    "mickey ",
    "MOUSE",
    "Mouse",
    "John",
    "doe",
    "Donald",
    " duck",
    "test",
    "Ann",
    "\u00a0jane",
    "Doe\u2003",
]
_VALUES = ["", " ", "DE", "\u00a0", "\t", "x"]
_DATES = [
    "",
    "2020-01-01",
    "2024-01-01",
    "2024-01-02",
    " 2019-12-31T10:00Z",
    "2019-02-29",
    "2020-02-29",
    "1/1/2020",
    "2021-13-01",
    "0000-12-31",
    "20200101",
    "2023-05-05 09:00:00+02:00",
    "\u00a02010-01-01",
]
_FLAGS = ["", "true", "TRUE", " yes", "Y", "1", "0", "false", "no", "t\u00a0", "tru", "yes!"]


def test_random_rows_agree_with_python(tmp_path: Path) -> None:
    rnd = random.Random(11)
    rows = [
        [
            rnd.choice(_POOL),
            rnd.choice(_NAMES),
            rnd.choice(_NAMES),
            rnd.choice(_VALUES),
            rnd.choice(_VALUES),
            rnd.choice(_DATES),
            rnd.choice(_FLAGS),
            rnd.choice(_FLAGS),
        ]
        for _ in range(3000)
    ]
    got = counts(source(write_csv(tmp_path / "c.csv", rows)))
    assert got == python_counts(rows)
    assert all(v > 0 for v in got.values())
