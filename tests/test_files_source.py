"""The file source end to end: formats, column mapping, malformed files, caching, drill-down, wiring."""

from __future__ import annotations

import asyncio
import csv
import gzip
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from mopstui.adapters.files import FileOptions, FileSource
from mopstui.config import load_config
from mopstui.core.errors import ConfigError, SourceError
from mopstui.core.service import Cockpit, SourceHandle

TODAY = date(2026, 1, 1)
HEADER = [
    "Id",
    "Email Address",
    "First Name",
    "Last Name",
    "Country",
    "Lead Source",
    "Last Activity Date",
    "Unsubscribed",
    "Marketable",
]
ROWS = [
    ["1", "ann@acme.com", "Ann", "Lee", "DE", "Web", "2025-10-01", "false", "true"],
    ["2", "ANN@acme.com ", "Ann", "Lee", "", "Web", "2019-01-01", "true", "true"],
    ["3", "info@acme.com", "", "", "FR", "", "2025-01-01", "false", "true"],
    ["4", "bob@gmail.com", "Bob", "Roe", "US", "Event", "", "false", "false"],
    ["5", "not-an-email", "Mickey", "Mouse", "US", "Event", "2025-01-01", "", ""],
    ["6", "", "Eve", "Ng", "", "Web", "2020-06-01", "true", "false"],
]
EXPECTED = {
    "duplicates": 1,
    "invalid_email": 1,
    "missing:email": 1,
    "missing:country": 2,
    "missing:lead_source": 1,
    "role_email": 1,
    "personal_email": 1,
    "test_record": 1,
    "stale": 2,
    "unsubscribed_marketable": 1,
}
MAPPING = {"email": "Email Address"}
REQUIRED = ["email", "country", "lead_source"]


def write_csv(path: Path, rows: list[list[str]] = ROWS, header: list[str] = HEADER, delimiter: str = ",") -> Path:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def make(path: Path | str, **kw: object) -> FileSource:
    kw.setdefault("columns", MAPPING)
    kw.setdefault("required_fields", REQUIRED)
    return FileSource("crm", FileOptions(path=str(path), **kw), today=lambda: TODAY)  # type: ignore[arg-type]


def counts(src: FileSource) -> dict[str, int]:
    return {m.metric: m.count for m in asyncio.run(src.fetch_quality())}


def error_of(src: FileSource) -> str:
    with pytest.raises(SourceError) as info:
        asyncio.run(src.fetch_quality())
    message = str(info.value)
    assert "\n" not in message
    return message


# -- formats --------------------------------------------------------------------------------------
def test_csv(tmp_path: Path) -> None:
    assert counts(make(write_csv(tmp_path / "c.csv"))) == EXPECTED


def test_csv_gz_and_semicolons(tmp_path: Path) -> None:
    assert counts(make(write_csv(tmp_path / "c.csv.gz"))) == EXPECTED
    assert counts(make(write_csv(tmp_path / "semi.csv", delimiter=";"))) == EXPECTED


def test_parquet(tmp_path: Path) -> None:
    import duckdb

    src = write_csv(tmp_path / "c.csv")
    out = tmp_path / "c.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_csv('{src}', all_varchar=true, header=true)) TO '{out}' (FORMAT parquet)"
    )
    assert counts(make(out)) == EXPECTED


def test_parquet_native_types(tmp_path: Path) -> None:
    import duckdb

    out = tmp_path / "typed.parquet"
    duckdb.connect().execute(
        "COPY (SELECT * FROM (VALUES ('a@x.com', DATE '2019-01-01', true, true, 'DE'),"
        " ('b@x.com', DATE '2025-12-01', false, true, NULL)) t(email, last_activity, unsubscribed, marketable, country))"
        f" TO '{out}' (FORMAT parquet)"
    )
    got = counts(make(out, columns={}, required_fields=["email", "country"]))
    assert got["stale"] == 1 and got["unsubscribed_marketable"] == 1 and got["missing:country"] == 1


def test_jsonl_with_mixed_types(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = [dict(zip(HEADER, r, strict=False)) for r in ROWS]
    lines[0]["Unsubscribed"] = False  # a real JSON boolean in one line, strings elsewhere
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert counts(make(path)) == EXPECTED


# -- column mapping -------------------------------------------------------------------------------
def test_unmapped_fields_found_by_name(tmp_path: Path) -> None:
    # "Lead Source" -> lead_source, "Last Activity Date" -> last_activity without any mapping.
    assert counts(make(write_csv(tmp_path / "c.csv"), columns={})) == EXPECTED


def test_mapping_to_another_column(tmp_path: Path) -> None:
    header = ["Work Email", "Land", *HEADER[2:]]
    rows = [[r[1], r[4], *r[2:]] for r in ROWS]
    path = write_csv(tmp_path / "c.csv", rows, [*header[:2], *HEADER[2:]])
    got = counts(make(path, columns={"email": "Work Email", "country": "Land"}))
    assert got["missing:country"] == 2 and got["duplicates"] == 1


def test_missing_mapped_column(tmp_path: Path) -> None:
    message = error_of(make(write_csv(tmp_path / "c.csv"), columns={"email": "E-mail"}))
    assert "c.csv" in message and "'E-mail'" in message and "Email Address" in message


def test_missing_required_field(tmp_path: Path) -> None:
    message = error_of(make(write_csv(tmp_path / "c.csv"), required_fields=["email", "industry"]))
    assert "industry" in message and "columns = { industry" in message


# -- malformed files ------------------------------------------------------------------------------
def test_missing_file(tmp_path: Path) -> None:
    message = error_of(make(tmp_path / "nope.csv"))
    assert "nope.csv" in message and "not found" in message


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes(b"")
    assert "empty" in error_of(make(tmp_path / "e.csv"))


def test_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("Email Address,Country,Lead Source\njos\xe9@acme.com,DE,Web\n".encode("latin-1"))
    message = error_of(make(path))
    assert "latin1.csv" in message and "UTF-8" in message


@pytest.mark.parametrize("bad", ["b@x.com,DE,Web,x\n", "b@x.com,DE\n"])
def test_ragged_rows(tmp_path: Path, bad: str) -> None:
    good = "a@x.com,DE,Web\n" * 50
    path = tmp_path / "ragged.csv"
    path.write_text("Email Address,Country,Lead Source\n" + good + bad + good, encoding="utf-8")
    message = error_of(make(path))
    assert "ragged.csv" in message and "line 52" in message and "fields" in message


def test_unclosed_quote(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('Email Address,Country,Lead Source\na@x.com,"DE,Web\nb@x.com,FR,Web\n', encoding="utf-8")
    assert "q.csv" in error_of(make(path))


def test_not_parquet_and_bad_json(tmp_path: Path) -> None:
    (tmp_path / "x.parquet").write_bytes(b"definitely not parquet")
    assert "not a Parquet file" in error_of(make(tmp_path / "x.parquet", columns={}, required_fields=["email"]))
    (tmp_path / "x.jsonl").write_text('{"email": "a@x.com"}\n{"email": \n', encoding="utf-8")
    assert "not valid JSON" in error_of(make(tmp_path / "x.jsonl", columns={}, required_fields=["email"]))


# -- caching --------------------------------------------------------------------------------------
def test_rescans_only_when_the_file_changes(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv")
    src = make(path)

    async def twice() -> tuple[int, int]:
        await src.fetch_quality()
        await src.fetch_quality()
        first = src.scans
        write_csv(path, ROWS + [["7", "new@acme.com", "N", "N", "DE", "Web", "", "", ""]])
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
        metrics = await src.fetch_quality()
        assert next(m for m in metrics if m.metric == "duplicates").total == 7
        return first, src.scans

    assert asyncio.run(twice()) == (1, 2)
    assert "not re-scanned" not in src.health


# -- thresholds -----------------------------------------------------------------------------------
def test_threshold_overrides(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv")
    metrics = {m.metric: m for m in asyncio.run(make(path, thresholds={"duplicates": [50, 90]}).fetch_quality())}
    assert metrics["duplicates"].severity == "ok" and metrics["duplicates"].thresholds.warning == 50
    metrics = {m.metric: m for m in asyncio.run(make(path, thresholds={"missing": [90, 95]}).fetch_quality())}
    assert metrics["missing:country"].severity == "ok"


@pytest.mark.parametrize(
    "bad",
    [
        {"path": "contacts.xlsx"},
        {"path": "c.csv", "thresholds": {"dupes": [1, 2]}},
        {"path": "c.csv", "thresholds": {"duplicates": [5, 1]}},
        {"path": "c.csv", "columns": {"phone": "Phone"}},
        {"path": "c.csv", "stale_after_days": 0},
    ],
)
def test_bad_options(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FileOptions(**bad)  # type: ignore[arg-type]


# -- drill-down -----------------------------------------------------------------------------------
def test_sample_rows(tmp_path: Path) -> None:
    src = make(write_csv(tmp_path / "c.csv"))
    columns, rows = asyncio.run(src.sample_rows("missing:country", 10))
    assert columns[0] == "row" and "Email Address" in columns and "Id" not in columns
    assert [r[0] for r in rows] == ["2", "6"]
    columns, rows = asyncio.run(src.sample_rows("duplicates"))
    assert columns[:2] == ["row", "first_row"] and rows[0][:2] == ["2", "1"]
    _, rows = asyncio.run(src.sample_rows("stale", 1))
    assert len(rows) == 1


def test_sample_unknown_metric(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        asyncio.run(make(write_csv(tmp_path / "c.csv")).sample_rows("nonsense"))


def test_export_rows(tmp_path: Path) -> None:
    src = make(write_csv(tmp_path / "c.csv"))
    out = tmp_path / "exports" / "stale.csv"
    assert asyncio.run(src.export_rows("stale", out)) == 2
    with open(out, encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0] == ["row", *HEADER]
    assert [r[1] for r in got[1:]] == ["2", "6"]
    assert not list(out.parent.glob("*.part"))


def test_export_every_row_of_a_big_file(tmp_path: Path) -> None:
    rows = [[str(i), f"u{i % 7000}@acme.com", "A", "B", "DE", "Web", "", "", ""] for i in range(20_000)]
    src = make(write_csv(tmp_path / "big.csv", rows))
    assert counts(src)["duplicates"] == 13_000
    assert asyncio.run(src.export_rows("duplicates", tmp_path / "d.csv")) == 13_000


# -- wiring: config loader, cockpit service, import cost ------------------------------------------
def test_through_config_and_cockpit(tmp_path: Path, write_config) -> None:  # type: ignore[no-untyped-def]
    data = write_csv(tmp_path / "contacts.csv")
    config_path = write_config(
        f"""
[sources.crm-export]
kind = "file"
path = "{data}"
columns = {{ email = "Email Address", country = "Country" }}
required_fields = ["email", "country", "lead_source"]
stale_after_days = 730
thresholds = {{ duplicates = [1, 5], "missing:country" = [50, 60] }}
"""
    )
    config = load_config(config_path)
    sc = config.source("crm-export")
    assert sc.kind == "file" and sc.options.thresholds["duplicates"] == [1.0, 5.0]
    source = sc.cls(sc.name, sc.options)
    cockpit = Cockpit({"crm-export": SourceHandle(source)})
    (result,) = asyncio.run(cockpit.refresh())
    assert result.status.state == "ok", result.status.error
    got = {m.metric: m for m in result.metrics}
    assert got["missing:country"].severity == "ok" and got["duplicates"].severity == "critical"
    assert "rows" in result.status.health


def test_error_reaches_the_cockpit_as_one_line(tmp_path: Path) -> None:
    cockpit = Cockpit({"crm": SourceHandle(make(tmp_path / "gone.csv"))})
    (result,) = asyncio.run(cockpit.refresh())
    assert result.status.state == "error" and "gone.csv" in result.status.error


def test_tilde_is_expanded(isolated_home: Path) -> None:
    write_csv(isolated_home / "contacts.csv")
    assert counts(make("~/contacts.csv")) == EXPECTED


@pytest.mark.parametrize(
    "text, key",
    [
        ('path = "c.txt"', "path"),
        ('path = "c.csv"\ncolumns = { email = 3 }', "columns.email"),
        ('path = "c.csv"\nthresholds = { duplicates = [1] }', "thresholds.duplicates"),
        ('path = "c.csv"\nencoding = "latin-1"', "encoding"),
    ],
)
def test_config_errors(write_config, text: str, key: str) -> None:  # type: ignore[no-untyped-def]
    path = write_config(f'[sources.crm]\nkind = "file"\n{text}\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert key in str(info.value)


def test_import_does_not_load_duckdb() -> None:
    code = "import sys, mopstui.adapters.files as f; assert 'duckdb' not in sys.modules; print('ok')"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "ok"
    )


def test_scan_leaves_the_event_loop_free(tmp_path: Path) -> None:
    rows = [[str(i), f"u{i}@acme.com", "A", "B", "DE", "Web", "2020-01-01", "", ""] for i in range(200_000)]
    src = make(write_csv(tmp_path / "big.csv", rows))

    async def main() -> float:
        worst = 0.0
        scan = asyncio.create_task(src.fetch_quality())
        while not scan.done():
            tick = time.perf_counter()
            await asyncio.sleep(0.01)
            worst = max(worst, time.perf_counter() - tick - 0.01)
        await scan
        return worst

    assert asyncio.run(main()) < 0.25


def test_scan_prints_nothing(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """DuckDB's progress bar would draw over the cockpit; the source turns it off."""
    rows = [[str(i), f"u{i}@acme.com", "A", "B", "DE", "Web", "2020-01-01", "", ""] for i in range(300_000)]
    src = make(write_csv(tmp_path / "big.csv", rows))
    counts(src)
    asyncio.run(src.export_rows("stale", tmp_path / "stale.csv"))
    out, err = capfd.readouterr()
    assert out == "" and err == ""
