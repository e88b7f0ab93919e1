"""The SQLite state store: WAL, two writers at once, a corrupt file set aside (never deleted)."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mopstui.core.store import StateStore, default_path

T0 = datetime(2024, 3, 11, 6, 30, tzinfo=UTC)


def test_store_lives_in_the_state_dir_in_wal_mode(state_dir: Path) -> None:
    store = StateStore(default_path())
    assert store.path == state_dir / "state.db"
    assert store.path.exists()
    mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert store.warning == ""


def test_snapshots_round_trip_newest_first(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.db")
    assert store.latest_snapshot("demo") is None
    store.add_snapshot("demo", T0, {"problems": {"a": {"name": "A"}}})
    store.add_snapshot("demo", T0.replace(hour=7), {"problems": {}})
    taken_at, data = store.latest_snapshot("demo")  # type: ignore[misc]
    assert taken_at == T0.replace(hour=7)
    assert data == {"problems": {}}


def test_daily_values_keep_one_per_day(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.db")
    store.set_daily("demo", {"duplicates": 10}, date(2024, 3, 10))
    store.set_daily("demo", {"duplicates": 12}, date(2024, 3, 11))
    store.set_daily("demo", {"duplicates": 15}, date(2024, 3, 11))
    assert store.daily("demo", date(2024, 3, 1)) == {"duplicates": [(date(2024, 3, 10), 10), (date(2024, 3, 11), 15)]}


def test_reviewed_marks_last_for_the_day(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.db")
    store.mark_reviewed("demo:1", date(2024, 3, 11))
    assert store.reviewed(date(2024, 3, 11)) == {"demo:1"}
    assert store.reviewed(date(2024, 3, 12)) == set()


def test_a_corrupt_store_is_set_aside_and_a_fresh_one_started(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    store = StateStore(path)
    aside = list(tmp_path.glob("state.db.corrupt-*"))
    assert len(aside) == 1, "the bad file is kept, renamed"
    assert aside[0].read_bytes().startswith(b"this is not a database")
    assert "unreadable" in store.warning and aside[0].name in store.warning
    assert "\n" not in store.warning
    store.add_snapshot("demo", T0, {"ok": True})
    assert store.latest_snapshot("demo") == (T0, {"ok": True})


def _write_many(path: str, source: str, count: int) -> None:
    store = StateStore(Path(path))
    for i in range(count):
        store.add_snapshot(source, T0, {"i": i})
        store.set_daily(source, {"duplicates": i}, date(2024, 3, 11))
        store.set_meta("last_check_status", source)
    store.close()


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    StateStore(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_many, args=(str(path), f"src{n}", 40)) for n in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    store = StateStore(path)
    assert store.warning == ""
    assert store.snapshot_count("src0") == store.snapshot_count("src1") == 30  # KEEP_SNAPSHOTS
    assert store.latest_snapshot("src0")[1] == {"i": 39}  # type: ignore[index]


def test_two_threads_share_one_store(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.db")
    errors: list[BaseException] = []

    def work(source: str) -> None:
        try:
            for i in range(50):
                store.add_snapshot(source, T0, {"i": i})
        except BaseException as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"t{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.latest_snapshot("t1")[1] == {"i": 49}  # type: ignore[index]


@pytest.mark.skipif(
    not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0, reason="root can read anything"
)
def test_an_unwritable_folder_is_one_clear_error(tmp_path: Path) -> None:
    from mopstui.core.store import StoreError

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(StoreError) as info:
            StateStore(locked / "sub" / "state.db")
        assert "state store" in str(info.value) and "\n" not in str(info.value)
    finally:
        locked.chmod(0o700)


def test_requests_kept_apart_are_read_as_keys_unless_details_are_asked(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.db")
    details = {"demo:M-1": {"id": "M-1", "title": "Build a list"}, "demo:M-2": {"id": "M-2", "title": "Dedupe"}}
    store.add_snapshot("demo", T0, {"problems": {}}, (json.dumps(list(details)), json.dumps(details)))
    snapshot_id, taken_at, light = store.latest_snapshot_ref("demo", details=False)  # type: ignore[misc]
    assert light == {"problems": {}, "requests": {"demo:M-1": None, "demo:M-2": None}}
    assert store.latest_snapshot("demo") == (T0, {"problems": {}, "requests": details})
    assert store.snapshot_requests(snapshot_id) == details


def test_a_schema_1_store_is_upgraded_in_place_and_its_snapshots_still_read(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('schema', '1');"
        "CREATE TABLE snapshots (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL,"
        " taken_at TEXT NOT NULL, data TEXT NOT NULL);"
    )
    data = {"problems": {}, "requests": {"demo:M-1": {"id": "M-1", "title": "Build a list"}}}
    old.execute(
        "INSERT INTO snapshots (source, taken_at, data) VALUES ('demo', ?, ?)", (T0.isoformat(), json.dumps(data))
    )
    old.commit()
    old.close()
    store = StateStore(path)
    assert store.warning == ""
    snapshot_id, _, light = store.latest_snapshot_ref("demo", details=False)  # type: ignore[misc]
    assert set(light["requests"]) == {"demo:M-1"}
    assert store.snapshot_requests(snapshot_id) == data["requests"]
    assert store.get_meta("schema") == "3"
    assert store.latest_snapshot_ref("demo", origin="check") is not None  # older snapshots: all by checks
    assert store.latest_snapshot_ref("demo", origin="cockpit") is None
