"""The state store: one SQLite file (standard library) in the user state dir.

It holds per-source snapshots, daily metric values for trends, observed deactivations, reviewed
marks and a few key/value facts. A snapshot keeps its requests apart from the rest (with their
keys listed on their own), so the cockpit's start and each refresh read a big queue's keys, not
all its details; those are read only to say what was resolved. WAL mode and a busy timeout let a
cockpit and a cron check write at the same time.

Trouble is told apart, and each kind gets one line for the caller to show:

- a file SQLite calls corrupt (or not a database) is renamed aside, never deleted, and a fresh one
  is started (`StateStore.warning`);
- a file that cannot be written now (a full disk, an I/O error, a read-only file) or that a newer
  mopstui wrote is kept as it is and opened read-only: this run compares with it and saves nothing
  (`StateStore.warning`, `StateStore.writable` False);
- rows that cannot be read (a bad timestamp, bad JSON, another shape) are left out, and the one
  before an unreadable snapshot is used instead (`StateStore.unreadable`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from mopstui import paths
from mopstui.core.private import private_dir, private_file

SCHEMA_VERSION = 3
#: Snapshots kept per source and origin; memory only ever compares with recent ones, trends live elsewhere.
KEEP_SNAPSHOTS = 30
#: Days of daily metric values kept (the sparkline shows 14).
KEEP_DAYS = 60
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshots_by_source ON snapshots (source, id);
CREATE TABLE IF NOT EXISTS daily_metrics (
    source TEXT NOT NULL, metric TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (source, metric, day)
);
CREATE TABLE IF NOT EXISTS deactivations (
    source TEXT NOT NULL, id TEXT NOT NULL, seen_at TEXT NOT NULL, active_at TEXT NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE TABLE IF NOT EXISTS reviewed (key TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (key, day));
CREATE TABLE IF NOT EXISTS definitions (
    source TEXT NOT NULL, id TEXT NOT NULL, revision TEXT NOT NULL, read_at TEXT NOT NULL,
    head TEXT NOT NULL, facts BLOB NOT NULL, before BLOB, changed_at TEXT, change TEXT,
    PRIMARY KEY (source, id)
);
"""


class StoreError(Exception):
    """The store could not be used (or written); str() is one line, `reason` the why alone."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


class _NewerSchema(Exception):
    """The store was written by a newer mopstui: read it, never rewrite (nor downgrade) it."""


class StateStore:
    """Thread-safe access to `state.db`. Each write is one short IMMEDIATE transaction."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self.path = path
        self.clock = clock or (lambda: datetime.now(UTC))
        #: One line for the user when the store was set aside or opened read-only, else "".
        self.warning = ""
        #: False when this run only reads the store (see the module docstring).
        self.writable = True
        self._read_only_reason = ""
        #: Rows left out because they could not be read: where -> why (see `unreadable`).
        self._unreadable: dict[str, str] = {}
        self._lock = threading.RLock()
        self._depth = 0  # writes nested in one transaction (see `transaction`)
        self._conn = self._open()

    @property
    def unreadable(self) -> str:
        """One line naming the rows that could not be read and were left out, else ""."""
        if not self._unreadable:
            return ""
        n = len(self._unreadable)
        where, why = next(iter(self._unreadable.items()))
        rows = "1 row could not be read and was" if n == 1 else f"{n} rows could not be read and were"
        return f"state store {self.path}: {rows} left out (first: {where}: {why})"

    def _left_out(self, where: str, why: str) -> None:
        self._unreadable.setdefault(where, why)

    # -- opening --------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        try:
            private_dir(self.path.parent)
        except OSError as exc:
            raise StoreError(f"state store {self.path}: cannot create its folder ({exc.strerror or exc})") from None
        try:
            return self._connect()
        except _NewerSchema as newer:
            return self._open_read_only(str(newer), f"was written by a newer mopstui ({newer})")
        except sqlite3.DatabaseError as exc:
            trouble = _trouble(exc)
            if trouble == "busy":  # the file is fine, never set it aside for that
                raise StoreError(f"state store {self.path}: {exc}; try again in a moment") from None
            if trouble == "cannot-write":  # a full disk is not a damaged file: keep every row of it
                return self._open_read_only(str(exc), f"cannot be written ({exc})")
            if trouble != "corrupt":
                raise StoreError(
                    f"state store {self.path}: cannot be used ({exc}); the file is left as it was"
                ) from None
            problem = str(exc)
        aside = self._set_aside()
        try:
            conn = self._connect()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"state store {self.path}: unusable ({exc})") from None
        where = f"moved it to {aside.name}" if aside else "could not move it aside"
        self.warning = f"state store {self.path} was unreadable ({problem}); {where} and started a fresh one"
        return conn

    def _connect(self) -> sqlite3.Connection:
        private_file(self.path, "-wal", "-shm")  # SQLite gives the -wal and -shm files the db's mode
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # WAL lets readers and one writer work side by side (cockpit + cron check).
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            _quick_check(conn)
            version = _schema_version(conn)
            if version is not None and version > SCHEMA_VERSION:
                raise _NewerSchema(f"schema {version}; this one knows {SCHEMA_VERSION}")
            with _immediate(conn):
                for statement in _SCHEMA.strip().split(";"):
                    if statement.strip():
                        conn.execute(statement)
                columns = {row[1] for row in conn.execute("PRAGMA table_info(snapshots)")}
                # schema 2: requests kept apart; schema 3: who took it (`check` or `cockpit`)
                for column in ("request_keys", "requests", "origin"):
                    if column not in columns:
                        conn.execute(f"ALTER TABLE snapshots ADD COLUMN {column} TEXT")
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(SCHEMA_VERSION),),
                )
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_read_only(self, reason: str, what: str) -> sqlite3.Connection:
        """The store opened read-only (SQLite's `mode=ro`: this run cannot change a byte of it)."""
        try:
            conn = sqlite3.connect(
                f"{self.path.absolute().as_uri()}?mode=ro",
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise StoreError(
                f"state store {self.path}: cannot be used ({_both(reason, exc)}); the file is left as it was"
            ) from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _quick_check(conn)
            missing = _missing_schema(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(
                f"state store {self.path}: cannot be used ({_both(reason, exc)}); the file is left as it was"
            ) from None
        if missing:
            conn.close()
            raise StoreError(
                f"state store {self.path}: cannot be used ({reason}; it has no {missing}); the file is left as it was"
            ) from None
        self.writable = False
        self._read_only_reason = what
        self.warning = (
            f"state store {self.path} {what}: this run compares with it but saves nothing, "
            "and the file is left as it was"
        )
        return conn

    def _set_aside(self) -> Path | None:
        """Rename the unreadable file (and its WAL side files) to state.db.corrupt-<timestamp>."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        moved: Path | None = None
        try:
            self.path.rename(target)
            moved = target
        except FileNotFoundError:
            pass  # another process set it aside first
        except OSError:
            return None
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            try:
                side.rename(target.with_name(target.name + suffix))
            except OSError:
                pass
        return moved

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes made inside are one transaction: all of them are kept, or none (StoreError)."""
        with self._write():
            yield

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction, or a part of the `transaction` already open on this thread.
        Any SQLite failure is rolled back and raised as a one-line StoreError."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            if not self.writable:
                raise StoreError(
                    f"state store {self.path}: not written: it {self._read_only_reason}",
                    f"the store {self._read_only_reason}",
                )
            self._depth = 1
            try:
                with _immediate(self._conn):
                    yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(f"state store {self.path}: cannot write ({exc})", str(exc)) from None
            finally:
                self._depth = 0

    # -- snapshots ------------------------------------------------------------------------------
    def add_snapshot(
        self,
        source: str,
        taken_at: datetime,
        data: dict[str, Any] | str,
        requests: tuple[str, str] | None = None,
        *,
        origin: str = "check",
    ) -> None:
        """Keep `data` (a dict, or its JSON text already encoded) as the source's newest snapshot.

        `requests`, when given, is the snapshot's requests kept apart: (JSON list of their keys,
        JSON object of key -> details); `data` then holds everything else. `origin` says who took
        it (`check` or `cockpit`): each compares with its own, and each keeps its own last ones."""
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        # Requests are stored zlib-compressed (about a tenth of their JSON); zlib lets go of the
        # GIL, and this runs off the event loop (Memory.record).
        keys, details = (_pack(requests[0]), _pack(requests[1])) if requests is not None else (None, None)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO snapshots (source, taken_at, data, request_keys, requests, origin) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (source, _iso(taken_at), text, keys, details, origin),
            )
            # a day of cockpit refreshes must not push out the last check's snapshot, nor the reverse
            conn.execute(
                "DELETE FROM snapshots WHERE source = ? AND IFNULL(origin, 'check') = ? AND id NOT IN "
                "(SELECT id FROM snapshots WHERE source = ? AND IFNULL(origin, 'check') = ? ORDER BY id DESC LIMIT ?)",
                (source, origin, source, origin, KEEP_SNAPSHOTS),
            )

    def latest_snapshot(self, source: str, *, details: bool = True) -> tuple[datetime, dict[str, Any]] | None:
        """The most recent snapshot of `source`: (taken_at, data), or None.

        With `details=False` the requests come as keys only (`data["requests"]` maps each key to
        None), which skips reading their details: the cheap read for "what is new"."""
        found = self.latest_snapshot_ref(source, details=details)
        return None if found is None else (found[1], found[2])

    def latest_snapshot_ref(
        self, source: str, *, details: bool = True, origin: str | None = None
    ) -> tuple[int, datetime, dict[str, Any]] | None:
        """`latest_snapshot` with the snapshot's id (for `snapshot_requests` later); with `origin`,
        the latest one that origin took (snapshots from before schema 3 count as `check`)."""
        where, params = (
            ("source = ?", (source,))
            if origin is None
            else ("source = ? AND IFNULL(origin, 'check') = ?", (source, origin))
        )
        with self._lock:
            # newest first, read lazily: an unreadable one is reported and the one before it used
            cursor = self._conn.execute(
                f"SELECT id, taken_at, data, request_keys{', requests' if details else ''} FROM snapshots "
                f"WHERE {where} ORDER BY id DESC",
                params,
            )
            for row in cursor:
                found = self._snapshot(source, row, details)
                if found is not None:
                    return found
        return None

    def _snapshot(
        self, source: str, row: tuple[Any, ...], details: bool
    ) -> tuple[int, datetime, dict[str, Any]] | None:
        """One snapshot row as (id, taken_at, data), or None (noted) when it cannot be read."""
        where = f"snapshot {row[0]} of {source!r}"
        taken_at = _time(row[1])
        if taken_at is None:
            self._left_out(where, f"taken_at {row[1]!r} is not a time")
            return None
        data = _json_object(row[2])
        if data is None:
            self._left_out(where, "its data is not a JSON object")
            return None
        if row[3] is not None:  # requests kept apart (schema 2)
            if details:
                requests = _json_object(row[4])
            else:
                keys = _json_list(row[3])
                requests = dict.fromkeys(keys) if keys is not None and all(isinstance(k, str) for k in keys) else None
            if requests is None:
                self._left_out(where, "its requests are not readable JSON")
                return None
            data["requests"] = requests
        problem = _shape_problem(data)
        if problem:
            self._left_out(where, problem)
            return None
        return int(row[0]), taken_at, data

    def snapshot_requests(self, snapshot_id: int) -> dict[str, Any]:
        """The requests (key -> details) of one snapshot; {} when it is gone or unreadable."""
        with self._lock:
            row = self._conn.execute(
                "SELECT data, requests, request_keys FROM snapshots WHERE id = ?", (snapshot_id,)
            ).fetchone()
        if row is None:
            return {}
        if row[2] is None:  # written before schema 2: everything in `data`
            requests = (_json_object(row[0]) or {}).get("requests", {})
        else:
            requests = _json_object(row[1])
        if not isinstance(requests, dict) or not all(isinstance(r, dict) for r in requests.values()):
            self._left_out(f"snapshot {snapshot_id}", "its requests are not readable JSON")
            return {}
        return requests

    def latest_snapshot_id(self, source: str) -> int | None:
        with self._lock:
            row = self._conn.execute("SELECT MAX(id) FROM snapshots WHERE source = ?", (source,)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def snapshot_count(self, source: str) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM snapshots WHERE source = ?", (source,)).fetchone()[0])

    # -- daily metric values --------------------------------------------------------------------
    def set_daily(self, source: str, values: dict[str, int], day: date) -> None:
        """Keep the latest count of each metric for `day` (one value per day)."""
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO daily_metrics (source, metric, day, count) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (source, metric, day) DO UPDATE SET count = excluded.count",
                [(source, metric, day.isoformat(), count) for metric, count in values.items()],
            )
            conn.execute("DELETE FROM daily_metrics WHERE day < date(?, ?)", (day.isoformat(), f"-{KEEP_DAYS} days"))

    def daily(self, source: str, since: date) -> dict[str, list[tuple[date, int]]]:
        """metric -> [(day, count)] from `since` on, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT metric, day, count FROM daily_metrics WHERE source = ? AND day >= ? ORDER BY day",
                (source, since.isoformat()),
            ).fetchall()
        out: dict[str, list[tuple[date, int]]] = {}
        for metric, day, count in rows:
            when = _day(day)
            if when is None or isinstance(count, bool) or not isinstance(count, int):
                why = f"day {day!r} is not a date" if when is None else f"count {count!r} is not a whole number"
                self._left_out(f"daily count {metric!r} of {source!r} for {day!r}", why)
                continue
            out.setdefault(str(metric), []).append((when, count))
        return out

    # -- observed deactivations -----------------------------------------------------------------
    def deactivations(self, source: str) -> dict[str, tuple[datetime, datetime]]:
        """workflow id -> (first seen inactive, last seen active before that)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, seen_at, active_at FROM deactivations WHERE source = ?", (source,)
            ).fetchall()
        out: dict[str, tuple[datetime, datetime]] = {}
        for wid, seen_text, active_text in rows:
            seen, active = _time(seen_text), _time(active_text)
            if seen is None or active is None:
                bad = ("seen_at", seen_text) if seen is None else ("active_at", active_text)
                self._left_out(f"deactivation of {wid!r} in {source!r}", f"{bad[0]} {bad[1]!r} is not a time")
                continue
            out[str(wid)] = (seen, active)
        return out

    def set_deactivations(self, source: str, current: dict[str, tuple[datetime, datetime]]) -> None:
        """Replace the source's observed deactivations with `current`."""
        with self._write() as conn:
            conn.execute("DELETE FROM deactivations WHERE source = ?", (source,))
            conn.executemany(
                "INSERT INTO deactivations (source, id, seen_at, active_at) VALUES (?, ?, ?, ?)",
                [(source, wid, _iso(seen), _iso(active)) for wid, (seen, active) in current.items()],
            )

    # -- reviewed marks -------------------------------------------------------------------------
    def mark_reviewed(self, key: str, day: date) -> None:
        with self._write() as conn:
            conn.execute("INSERT OR IGNORE INTO reviewed (key, day) VALUES (?, ?)", (key, day.isoformat()))
            conn.execute("DELETE FROM reviewed WHERE day < ?", (day.isoformat(),))

    def unmark_reviewed(self, key: str, day: date) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM reviewed WHERE key = ? AND day = ?", (key, day.isoformat()))

    def reviewed(self, day: date) -> set[str]:
        with self._lock:
            rows = self._conn.execute("SELECT key FROM reviewed WHERE day = ?", (day.isoformat(),)).fetchall()
        return {str(r[0]) for r in rows}

    # -- workflow definitions (see mopstui.core.drift, which owns their rows) ----------------------
    def definition_rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a SELECT on the `definitions` table; [] from a store made before it existed."""
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return []
                raise

    def write_definitions(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """One statement on the `definitions` table for each of `rows`, in one transaction."""
        with self._write() as conn:
            conn.executemany(sql, rows)

    # -- key/value facts ------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """One IMMEDIATE transaction: takes the write lock up front, so busy_timeout applies cleanly.
    A failed COMMIT is rolled back too, so the connection never stays inside a dead transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        # SQLite rolls back by itself after some errors (a full disk, an I/O error)
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the error worth telling is the one being raised
        raise


#: What SQLite says of a file that is damaged or not a database: only such a store is set aside.
_CORRUPT = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
#: What it says of a file that may be fine but cannot be written now (full disk, I/O error,
#: read-only file or folder): such a store is kept and read.
_CANNOT_WRITE = {"SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM"}
_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}


def _trouble(exc: sqlite3.DatabaseError) -> str:
    """ "corrupt", "cannot-write", "busy" or "other", from SQLite's own error name."""
    name = getattr(exc, "sqlite_errorname", None)
    if not name:
        return "other" if isinstance(exc, sqlite3.OperationalError) else "corrupt"  # our integrity check
    base = "_".join(name.split("_")[:2])  # SQLITE_IOERR_WRITE -> SQLITE_IOERR
    if base in _CORRUPT:
        return "corrupt"
    if base in _CANNOT_WRITE:
        return "cannot-write"
    return "busy" if base in _BUSY else "other"


def _both(first: str, then: Exception) -> str:
    """Why writing failed and why reading then failed too, without saying the same thing twice."""
    return first if str(then) == first else f"{first}; {then}"


def _quick_check(conn: sqlite3.Connection) -> None:
    row = conn.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise sqlite3.DatabaseError(f"integrity check failed: {row[0] if row else 'no answer'}")


def _schema_version(conn: sqlite3.Connection) -> int | None:
    """The schema the store says it has, None for a new (or unlabelled) one."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone() is None:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    try:
        return int(row[0]) if row is not None else None
    except (TypeError, ValueError):
        return None


#: The tables and columns this version reads.
_READ_SCHEMA = {
    "meta": ("key", "value"),
    "snapshots": ("id", "source", "taken_at", "data", "request_keys", "requests", "origin"),
    "daily_metrics": ("source", "metric", "day", "count"),
    "deactivations": ("source", "id", "seen_at", "active_at"),
    "reviewed": ("key", "day"),
}


def _missing_schema(conn: sqlite3.Connection) -> str:
    """The first table or column this version reads that the store lacks, else ""."""
    for table, columns in _READ_SCHEMA.items():
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if not have:
            return f"{table} table"
        for column in columns:
            if column not in have:
                return f"{table}.{column} column"
    return ""


def _time(value: Any) -> datetime | None:
    """A stored ISO time (UTC when it says no zone), or None when it is not one."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _shape_problem(data: dict[str, Any]) -> str:
    """What in a snapshot's data is not the shape memory reads, else "" (a newer or foreign writer)."""
    for section in ("problems", "requests", "metrics", "states"):
        items = data.get(section, {})
        if not isinstance(items, dict):
            return f"{section} is not a JSON object"
        for key, item in items.items():
            if item is None and section == "requests":
                continue  # keys only (see latest_snapshot)
            if not isinstance(item, dict):
                return f"{section} entry {key!r} is not a JSON object"
            if section == "metrics" and (isinstance(item.get("count"), bool) or not isinstance(item.get("count"), int)):
                return f"metric {key!r} has no whole-number count"
    return ""


def pack(text: str) -> bytes:
    """Text as the store keeps big values: zlib-compressed UTF-8."""
    return _pack(text)


def unpack(value: str | bytes | None) -> str | None:
    """What `pack` kept, None when it cannot be read."""
    return _unpack(value)


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)


def _unpack(value: str | bytes | None) -> str | None:
    if isinstance(value, bytes):
        try:
            return zlib.decompress(value).decode("utf-8")
        except (zlib.error, UnicodeDecodeError):
            return None
    return value


def _json(text: str | bytes | None, kind: type) -> Any:
    """The JSON value in `text` (compressed or not) if it is a `kind`, else None."""
    text = _unpack(text)
    try:
        value = json.loads(text) if text is not None else None
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, kind) else None


def _json_object(text: str | bytes | None) -> dict[str, Any] | None:
    return _json(text, dict)  # type: ignore[no-any-return]


def _json_list(text: str | bytes | None) -> list[str] | None:
    return _json(text, list)  # type: ignore[no-any-return]


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def default_path() -> Path:
    """`state.db` in the user state dir (read at call time)."""
    return paths.state_dir() / "state.db"


def open_default(clock: Callable[[], datetime] | None = None) -> StateStore:
    """The store at its default place; raises StoreError if even a fresh one cannot be made."""
    return StateStore(default_path(), clock=clock)
