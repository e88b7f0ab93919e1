"""The state store on a bad day: a full disk or an I/O error is not corruption (the file is kept and
read, nothing is written), a snapshot is saved whole or not at all, and rows it cannot read are
reported in one line instead of being read as empty."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from mopstui.core.memory import Memory
from mopstui.core.service import Cockpit, SourceHandle, SourceResult
from mopstui.core.source import NoOptions
from mopstui.core.store import StateStore, StoreError

from fakes.pilot import record_notices
from fakes.scripted import SCRIPTS, Script, ScriptedSource, metric, problem, request

YESTERDAY = datetime(2024, 3, 11, 6, 30).astimezone()
TODAY = datetime(2024, 3, 12, 6, 30).astimezone()


@pytest.fixture
def script() -> Script:
    SCRIPTS.clear()
    SCRIPTS["mkto"] = Script()
    return SCRIPTS["mkto"]


async def check(path: Path, now: datetime) -> tuple[SourceResult, Memory]:
    """One cron-style check on the store at `path`: a fresh store, Memory and cockpit."""
    memory = Memory(StateStore(path), clock=lambda: now)
    cockpit = Cockpit({"mkto": SourceHandle(ScriptedSource("mkto", NoOptions()))}, memory=memory, clock=lambda: now)
    [result] = await cockpit.refresh()
    return result, memory


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sql(path: Path, statement: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    conn.execute(statement, params)
    conn.commit()
    conn.close()


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def sqlite_error(name: str, text: str) -> sqlite3.OperationalError:
    """The error SQLite raises for `name` (Python 3.11 carries the name on the exception)."""
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorname = name  # type: ignore[attr-defined]
    return exc


def fail_writes(monkeypatch: pytest.MonkeyPatch, exc: sqlite3.Error, times: int = 1_000_000) -> None:
    """From now on (for the next `times` writes) every connection fails to start a write with
    `exc`, as SQLite does when the disk cannot take it; reads still work."""
    real = sqlite3.connect
    left = [times]

    class FailingConnection(sqlite3.Connection):
        def execute(self, statement: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
            if statement.lstrip().upper().startswith("BEGIN") and left[0] > 0:
                left[0] -= 1
                raise exc
            return super().execute(statement, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **kw: real(*a, **kw, factory=FailingConnection))


def cap_pages(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """From now on the database cannot grow by a page: SQLite's own SQLITE_FULL path."""
    pages = count_pages(path)
    real = sqlite3.connect

    class CappedConnection(sqlite3.Connection):
        def __init__(self, *args: object, **kw: object) -> None:
            super().__init__(*args, **kw)  # type: ignore[arg-type]
            self.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **kw: real(*a, **kw, factory=CappedConnection))


def count_pages(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()


# -- an I/O error is not corruption ---------------------------------------------------------------
@pytest.mark.parametrize(
    "name, text",
    [
        ("SQLITE_IOERR_WRITE", "disk I/O error"),
        ("SQLITE_IOERR_FSYNC", "disk I/O error"),
        ("SQLITE_FULL", "database or disk is full"),
        ("SQLITE_READONLY", "attempt to write a readonly database"),
    ],
)
async def test_an_io_error_at_open_keeps_the_store_reads_it_and_writes_nothing(
    tmp_path: Path,
    script: Script,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    text: str,
) -> None:
    path = tmp_path / "state.db"
    script.problems = [problem("1001")]
    script.requests = [request("MOPS-1")]
    await check(path, YESTERDAY)
    count_pages(path)  # everything in the main file, so its bytes say whether anything was written
    before = digest(path)

    fail_writes(monkeypatch, sqlite_error(name, text))
    script.requests = [request("MOPS-1"), request("MOPS-2")]
    result, memory = await check(path, TODAY)

    assert list(tmp_path.glob("state.db.corrupt-*")) == [], "a healthy store is never set aside"
    assert digest(path) == before, "nothing written"
    assert result.new_keys == {"mkto:MOPS-2"}, "compared with yesterday's check, which is still there"
    warning = memory.store.warning
    assert text in warning and "saves nothing" in warning and "\n" not in warning
    assert memory.error == "", "said once, when the store opened"
    monkeypatch.undo()
    assert count(path, "snapshots") == 1


async def test_a_full_disk_mid_check_keeps_the_store_and_says_the_snapshot_was_not_saved(
    tmp_path: Path,
    script: Script,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "state.db"
    script.problems = [problem("1001")]
    await check(path, YESTERDAY)
    cap_pages(monkeypatch, path)
    script.requests = [request(f"MOPS-{i}", title="x" * 200) for i in range(2000)]
    result, memory = await check(path, TODAY)
    assert result.new_keys and len(result.new_keys) == 2000
    assert memory.error.endswith("snapshot not saved (database or disk is full)")
    assert "\n" not in memory.error
    monkeypatch.undo()
    assert list(tmp_path.glob("state.db.corrupt-*")) == []
    assert count(path, "snapshots") == 1
    again, _ = await check(path, TODAY)
    assert len(again.new_keys) == 2000, "still compared with yesterday's"


def test_a_store_that_cannot_be_read_either_is_one_line_and_left_alone(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"")  # nothing in it yet, and the disk takes nothing
    fail_writes(monkeypatch, sqlite_error("SQLITE_FULL", "database or disk is full"))
    with pytest.raises(StoreError) as info:
        StateStore(path)
    assert "database or disk is full" in str(info.value) and "\n" not in str(info.value)
    assert list(tmp_path.glob("state.db.corrupt-*")) == []


def test_only_what_sqlite_calls_corrupt_is_set_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.db"
    StateStore(path).close()
    fail_writes(monkeypatch, sqlite_error("SQLITE_CORRUPT", "database disk image is malformed"), times=1)
    store = StateStore(path)
    assert len(list(tmp_path.glob("state.db.corrupt-*"))) == 1
    assert "unreadable" in store.warning


# -- a snapshot is saved whole or not at all ------------------------------------------------------
async def test_a_snapshot_is_saved_whole_or_not_at_all(tmp_path: Path, script: Script) -> None:
    path = tmp_path / "state.db"
    script.problems = [problem("1001")]
    script.metrics = [metric("duplicates", 40)]
    await check(path, YESTERDAY)
    # the daily counts cannot be written (a real SQLite failure in the middle of the snapshot)
    sql(path, "CREATE TRIGGER refuse BEFORE INSERT ON daily_metrics BEGIN SELECT RAISE(ABORT, 'refused'); END")
    script.problems = [problem("1001"), problem("1002")]
    script.metrics = [metric("duplicates", 52)]
    _, memory = await check(path, TODAY)
    assert "snapshot not saved" in memory.error
    assert count(path, "snapshots") == 1, "the items were not kept without their counts"
    sql(path, "DROP TRIGGER refuse")
    again, memory = await check(path, TODAY)
    assert again.new_keys == {"mkto:1002:invalid"}, "still compared with yesterday's, whole"
    assert again.deltas == {"duplicates": 12}
    assert memory.error == "", "saved: no warning"
    assert count(path, "snapshots") == 2


# -- rows it cannot read are reported ------------------------------------------------------------
async def yesterday_then_bad(
    path: Path, script: Script, statement: str, *params: object
) -> tuple[SourceResult, Memory]:
    script.problems = [problem("1001")]
    script.requests = [request("MOPS-1")]
    script.metrics = [metric("duplicates", 40)]
    await check(path, YESTERDAY)
    sql(path, statement, *params)
    script.requests = [request("MOPS-1"), request("MOPS-2")]
    script.metrics = [metric("duplicates", 45)]
    return await check(path, TODAY)


@pytest.mark.parametrize(
    "taken_at, data",
    [
        ("last tuesday", '{"problems": {}, "metrics": {}, "states": {}}'),
        ("2024-03-11T09:00:00+00:00", "{not json"),
        ("2024-03-11T09:00:00+00:00", '{"problems": ["mkto:1001:invalid"], "metrics": {"duplicates": 3}}'),
        ("2024-03-11T09:00:00+00:00", "[1, 2, 3]"),
    ],
    ids=["bad-timestamp", "bad-json", "another-shape", "not-an-object"],
)
async def test_an_unreadable_snapshot_is_reported_and_the_one_before_it_used(
    tmp_path: Path,
    script: Script,
    taken_at: str,
    data: str,
) -> None:
    path = tmp_path / "state.db"
    result, memory = await yesterday_then_bad(
        path,
        script,
        "INSERT INTO snapshots (source, taken_at, data, origin) VALUES ('mkto', ?, ?, 'check')",
        taken_at,
        data,
    )
    assert result.status.health == ""
    assert result.new_keys == {"mkto:MOPS-2"}, "compared with the last snapshot it can read"
    assert result.deltas == {"duplicates": 5}
    line = memory.store.unreadable
    assert "snapshot 2 of 'mkto'" in line and "\n" not in line, line
    assert count(path, "snapshots") == 3, "today's snapshot was saved"


async def test_unreadable_request_keys_are_reported_not_read_as_no_requests(tmp_path: Path, script: Script) -> None:
    path = tmp_path / "state.db"
    result, memory = await yesterday_then_bad(
        path, script, "UPDATE snapshots SET request_keys = X'00FF00' WHERE id = 1"
    )
    assert result.new_keys == {"mkto:1001:invalid", "mkto:MOPS-1", "mkto:MOPS-2"}  # nothing else to compare with
    assert "snapshot 1 of 'mkto'" in memory.store.unreadable


async def test_an_unreadable_deactivation_is_reported_and_the_check_still_compares(
    tmp_path: Path, script: Script
) -> None:
    path = tmp_path / "state.db"
    result, memory = await yesterday_then_bad(
        path, script, "INSERT INTO deactivations VALUES ('mkto', '1009', 'soon', '2024-03-10T06:30:00+00:00')"
    )
    assert result.new_keys == {"mkto:MOPS-2"}
    assert "deactivation" in memory.store.unreadable and "'soon'" in memory.store.unreadable
    assert memory.error == ""
    assert count(path, "snapshots") == 2, "today's snapshot was saved"


async def test_an_unreadable_daily_count_is_reported_and_left_out_of_the_trend(tmp_path: Path, script: Script) -> None:
    path = tmp_path / "state.db"
    result, memory = await yesterday_then_bad(
        path, script, "INSERT INTO daily_metrics VALUES ('mkto', 'duplicates', '2024-03-11T99', 7)"
    )
    assert result.new_keys == {"mkto:MOPS-2"}
    assert result.trends == {"duplicates": [40, 45]}
    assert "daily count" in memory.store.unreadable


async def test_a_store_from_a_newer_mopstui_is_read_not_rewritten(tmp_path: Path, script: Script) -> None:
    path = tmp_path / "state.db"
    result, memory = await yesterday_then_bad(path, script, "UPDATE meta SET value = '9' WHERE key = 'schema'")
    assert result.new_keys == {"mkto:MOPS-2"}
    assert "newer mopstui" in memory.store.warning and "saves nothing" in memory.store.warning
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("9",)
    assert conn.execute("SELECT COUNT(*) FROM snapshots").fetchone() == (1,)
    conn.close()


def test_the_unreadable_line_counts_each_row_once(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = StateStore(path)
    store.close()
    sql(path, "INSERT INTO deactivations VALUES ('a', '1', 'x', 'y')")
    sql(path, "INSERT INTO deactivations VALUES ('a', '2', 'x', 'y')")
    store = StateStore(path)
    assert store.deactivations("a") == {}
    assert store.deactivations("a") == {}
    assert store.unreadable.startswith(f"state store {path}: 2 rows could not be read")


# -- what `mopstui check` says -------------------------------------------------------------------
def run_check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    import json

    from mopstui.cli import main

    code = main(["check", "--demo", "--format", "json", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_check_on_a_disk_that_takes_no_writes_says_so_once_and_keeps_the_store(
    state_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = run_check(capsys)
    assert err == ""
    path = state_dir / "state.db"
    count_pages(path)
    before = digest(path)
    fail_writes(monkeypatch, sqlite_error("SQLITE_IOERR_WRITE", "disk I/O error"))
    again, report, err = run_check(capsys)
    assert again == code
    assert err.count("\n") == 1 and "disk I/O error" in err and "saves nothing" in err, err
    assert not any(w["new"] for w in report["workflows"]), "compared with the previous check"
    assert list(state_dir.glob("state.db.corrupt-*")) == [] and digest(path) == before


def test_check_names_rows_it_could_not_read_in_one_line(state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_check(capsys)
    sql(state_dir / "state.db", "UPDATE snapshots SET taken_at = 'garbage'")
    _, report, err = run_check(capsys)
    assert err.count("\n") == 1 and "snapshot 1 of 'demo'" in err and "'garbage' is not a time" in err, err
    assert all(w["new"] for w in report["workflows"]), "nothing readable to compare with"
    _, _, err = run_check(capsys)
    assert err == "", "today's snapshot was saved and is read next time"


# -- what the cockpit says -----------------------------------------------------------------------
async def test_the_cockpit_tells_once_of_rows_it_could_not_read_and_of_a_snapshot_not_saved(state_dir: Path) -> None:
    from mopstui import paths
    from mopstui.config import load_config
    from mopstui.tui.app import MopsApp

    from fakes.pilot import loaded

    def app() -> MopsApp:
        return MopsApp(load_config(paths.config_path(), demo=True))

    first = app()
    async with first.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
    path = state_dir / "state.db"
    sql(path, "INSERT INTO deactivations VALUES ('demo', '1001', 'soon', 'later')")
    sql(path, "CREATE TRIGGER refuse BEFORE INSERT ON snapshots BEGIN SELECT RAISE(ABORT, 'refused'); END")
    second = app()
    notices = record_notices(second)
    async with second.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        for _ in range(100):
            if second.memory is not None and second.memory.error:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.1)
        told = [n.message for n in notices]
        assert sum("'soon' is not a time" in m for m in told) == 1, told
        assert sum("snapshot not saved (refused)" in m for m in told) == 1, told
        await pilot.press("r")
        await loaded(pilot)
        await pilot.pause(0.3)
        told = [n.message for n in notices]
        assert sum("snapshot not saved" in m for m in told) == 1, "told once, not at every refresh"
