"""A contact export with a line longer than 1 MB is an error naming the file and the line, found
without reading that line whole; and a file source's timeout bounds its whole fetch, the diagnosis
of a refused CSV included."""

from __future__ import annotations

import asyncio
import csv
import gzip
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mopstui.adapters.files import FileOptions, FileSource
from mopstui.adapters.files import reader as reader_mod
from mopstui.core.errors import SourceError
from mopstui.core.service import Cockpit, SourceHandle

MB = 1 << 20


def write_long_line(path: Path, line_no: int, size: int) -> Path:
    """A CSV whose line `line_no` (1 = the header) is `size` bytes long, written a MB at a time."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        for n in range(1, line_no):
            fh.write("email,country\n" if n == 1 else f"a{n}@acme.test,DE\n")
        fh.write("b@acme.test,")
        for _ in range(size // MB):
            fh.write("x" * MB)
        fh.write("\nc@acme.test,FR\n")
    return path


def fetch_error(path: Path) -> str:
    source = FileSource("crm", FileOptions(path=str(path)))
    with pytest.raises(SourceError) as info:
        asyncio.run(source.fetch_quality())
    return str(info.value)


@pytest.mark.parametrize("name, line_no", [("contacts.csv", 12), ("contacts.csv", 40_002), ("contacts.csv.gz", 7)])
def test_a_line_longer_than_the_cap_is_an_error_naming_file_and_line(tmp_path: Path, name: str, line_no: int) -> None:
    path = write_long_line(tmp_path / name, line_no, 3 * MB)
    assert fetch_error(path) == (
        f"{path}: line {line_no} is longer than 1 MB (no line break in it); "
        "check that the file is a contact export with one row per line"
    )


def test_a_header_longer_than_the_cap_is_line_1(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("email," + ",".join(f"column{i}" for i in range(200_000)) + "\na@acme.test\n")
    assert path.stat().st_size > MB
    assert "line 1 is longer than 1 MB" in fetch_error(path)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak memory from /proc")
def test_the_long_line_is_never_read_whole(tmp_path: Path) -> None:
    """Finding a 200 MB line takes a few MB: it is read a block at a time, never whole."""
    path = write_long_line(tmp_path / "contacts.csv", 5, 200 * MB)
    probe = (
        "import re, sys; from pathlib import Path; from mopstui.adapters.files.reader import ExportFile\n"
        "export = ExportFile(Path(sys.argv[1]), 'csv', sys.argv[1])\n"
        "print(export.first_long_line()); print(export.diagnose())\n"
        # the peak of this process alone (ru_maxrss may count the parent's, from before exec)
        "print(int(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1)) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True).stdout
    line, diagnosis, peak_mb = out.splitlines()
    assert line == "5"
    assert diagnosis.startswith("line 5 is longer than 1 MB")
    assert int(peak_mb) < 100, f"{peak_mb} MB to look at a 200 MB line"


def test_lines_under_the_cap_still_scan(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["email", "notes"])
        writer.writerow(["a@acme.test", "n" * (MB - 100)])  # long, but a line
        writer.writerow(["b@acme.test", "short"])
    source = FileSource("crm", FileOptions(path=str(path)))
    metrics = asyncio.run(source.fetch_quality())
    assert metrics and source.health.startswith("2 rows scanned")


# -- the timeout bounds the whole fetch ----------------------------------------------------------
def slow_csv_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's csv module as on a very slow disk: 10 ms a row (the diagnosis reads up to 200,000)."""
    real = csv.reader

    def reader(lines, *args, **kw):  # type: ignore[no-untyped-def]
        for row in real(lines, *args, **kw):
            time.sleep(0.01)
            yield row

    monkeypatch.setattr(reader_mod.csv, "reader", reader)


def refused_csv(path: Path) -> Path:
    """30,000 good rows, then an unclosed quote DuckDB refuses once it gets there: what follows
    is our diagnosis, reading the file row by row to say what is wrong."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("email,country\n")
        for i in range(30_000):
            fh.write(f"a{i}@acme.test,DE\n")
        fh.write('z@acme.test,"FR\n')
    return path


def test_a_timeout_stops_the_diagnosis_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = refused_csv(tmp_path / "contacts.csv")
    slow_csv_reader(monkeypatch)
    before = threading.active_count()

    async def refresh() -> str:
        cockpit = Cockpit({"crm": SourceHandle(FileSource("crm", FileOptions(path=str(path))), timeout=1.0)})
        [result] = await cockpit.refresh()
        return result.status.error

    started = time.monotonic()
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.append(asyncio.run(refresh())), daemon=True)
    worker.start()
    worker.join(30)  # the diagnosis alone would take 300 s
    assert not worker.is_alive(), "the run waited for the diagnosis after its timeout"
    assert done == ["timed out after 1 s"]
    assert time.monotonic() - started < 30
    for _ in range(100):
        if threading.active_count() <= before:
            break
        time.sleep(0.05)
    assert threading.active_count() <= before, "a scan thread outlived its fetch"
