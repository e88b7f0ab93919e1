"""The state store: one SQLite file (standard library) in the user state dir.

It holds per-source snapshots, daily metric values for trends, observed deactivations, reviewed
marks and a few key/value facts. A snapshot keeps its requests apart from the rest (with their
keys listed on their own), so the cockpit's start and each refresh read a big queue's keys, not
its 20 MB of details; those are read only to say what was resolved. WAL mode and a busy timeout let a cockpit and a cron check write
at the same time. A store that cannot be read is renamed aside (never deleted) and a fresh one is
started; `StateStore.warning` then carries one line for the caller to show.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

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
"""


class StoreError(Exception):
    """The store could not be used at all (not even a fresh one); str() is one line."""


class StateStore:
    """Thread-safe access to `state.db`. Each write is one short IMMEDIATE transaction."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self.path = path
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        #: One line for the user when the store had to be set aside, else "".
        self.warning = ""
        self._lock = threading.RLock()
        self._conn = self._open()

    # -- opening --------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"state store {self.path}: cannot create its folder ({exc.strerror or exc})") from None
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if not _unreadable(exc):
                # busy or locked beyond the timeout: the file is fine, never set it aside for that
                raise StoreError(f"state store {self.path}: {exc}; try again in a moment") from None
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
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # WAL lets readers and one writer work side by side (cockpit + cron check).
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            row = conn.execute("PRAGMA quick_check").fetchone()
            if row is None or row[0] != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {row[0] if row else 'no answer'}")
            with _immediate(conn):
                for statement in _SCHEMA.strip().split(";"):
                    if statement.strip():
                        conn.execute(statement)
                columns = {row[1] for row in conn.execute("PRAGMA table_info(snapshots)")}
                # schema 2: requests kept apart; schema 3: who took it (`check` or `cockpit`)
                for column in ("request_keys", "requests", "origin"):
                    if column not in columns:
                        conn.execute(f"ALTER TABLE snapshots ADD COLUMN {column} TEXT")
                conn.execute("INSERT INTO meta (key, value) VALUES ('schema', ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(SCHEMA_VERSION),))
        except BaseException:
            conn.close()
            raise
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
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, _immediate(self._conn):
            yield self._conn

    # -- snapshots ------------------------------------------------------------------------------
    def add_snapshot(self, source: str, taken_at: datetime, data: dict[str, Any] | str,
                     requests: tuple[str, str] | None = None, *, origin: str = "check") -> None:
        """Keep `data` (a dict, or its JSON text already encoded) as the source's newest snapshot.

        `requests`, when given, is the snapshot's requests kept apart: (JSON list of their keys,
        JSON object of key -> details); `data` then holds everything else. `origin` says who took
        it (`check` or `cockpit`): each compares with its own, and each keeps its own last ones."""
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        # Requests are stored zlib-compressed (a tenth of the size: 100,000 of them are ~24 MB
        # of JSON); zlib lets go of the GIL, and this runs off the event loop (Memory.record).
        keys, details = (_pack(requests[0]), _pack(requests[1])) if requests is not None else (None, None)
        with self._write() as conn:
            conn.execute("INSERT INTO snapshots (source, taken_at, data, request_keys, requests, origin) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (source, _iso(taken_at), text, keys, details, origin))
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

    def latest_snapshot_ref(self, source: str, *, details: bool = True,
                            origin: str | None = None) -> tuple[int, datetime, dict[str, Any]] | None:
        """`latest_snapshot` with the snapshot's id (for `snapshot_requests` later); with `origin`,
        the latest one that origin took (snapshots from before schema 3 count as `check`)."""
        where, params = ("source = ?", (source,)) if origin is None else (
            "source = ? AND IFNULL(origin, 'check') = ?", (source, origin))
        with self._lock:
            row = self._conn.execute(
                f"SELECT id, taken_at, data, request_keys{', requests' if details else ''} FROM snapshots "
                f"WHERE {where} ORDER BY id DESC LIMIT 1", params
            ).fetchone()
        if row is None:
            return None
        data = _json_object(row[2])
        if data is None:
            return None
        if row[3] is not None:  # requests kept apart (schema 2)
            if details:
                data["requests"] = _json_object(row[4]) or {}
            else:
                keys = _json_list(row[3])
                data["requests"] = dict.fromkeys(keys) if keys is not None else {}
        return int(row[0]), datetime.fromisoformat(row[1]), data

    def snapshot_requests(self, snapshot_id: int) -> dict[str, Any]:
        """The requests (key -> details) of one snapshot; {} when it is gone or unreadable."""
        with self._lock:
            row = self._conn.execute("SELECT data, requests, request_keys FROM snapshots WHERE id = ?",
                                     (snapshot_id,)).fetchone()
        if row is None:
            return {}
        if row[2] is None:  # written before schema 2: everything in `data`
            requests = (_json_object(row[0]) or {}).get("requests", {})
            return requests if isinstance(requests, dict) else {}
        return _json_object(row[1]) or {}

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
            out.setdefault(metric, []).append((date.fromisoformat(day), int(count)))
        return out

    # -- observed deactivations -----------------------------------------------------------------
    def deactivations(self, source: str) -> dict[str, tuple[datetime, datetime]]:
        """workflow id -> (first seen inactive, last seen active before that)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, seen_at, active_at FROM deactivations WHERE source = ?", (source,)
            ).fetchall()
        return {r[0]: (datetime.fromisoformat(r[1]), datetime.fromisoformat(r[2])) for r in rows}

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
        return {r[0] for r in rows}

    # -- key/value facts ------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """One IMMEDIATE transaction: takes the write lock up front, so busy_timeout applies cleanly."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


#: SQLite errors meaning the file itself cannot be used (as opposed to busy or locked).
_UNREADABLE = {"SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_CANTOPEN", "SQLITE_IOERR"}


def _unreadable(exc: sqlite3.DatabaseError) -> bool:
    name = getattr(exc, "sqlite_errorname", None)
    if not name:
        return not isinstance(exc, sqlite3.OperationalError)  # our own integrity-check failure
    return "_".join(name.split("_")[:2]) in _UNREADABLE  # SQLITE_IOERR_READ -> SQLITE_IOERR


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
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def default_path() -> Path:
    """`state.db` in the user state dir (read at call time)."""
    from mopstui import paths

    return paths.state_dir() / "state.db"


def open_default(clock: Callable[[], datetime] | None = None) -> StateStore:
    """The store at its default place; raises StoreError if even a fresh one cannot be made."""
    return StateStore(default_path(), clock=clock)
