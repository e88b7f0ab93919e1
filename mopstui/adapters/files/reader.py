"""Opening a contact export with DuckDB: the reader for each format, the columns, and plain-words errors.

DuckDB is imported when a file source first scans (not with this module), so the cockpit's start-up
never pays for it.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import IO, TYPE_CHECKING

from mopstui.adapters.files.options import KNOWN_FIELDS
from mopstui.adapters.files.rules_sql import lit
from mopstui.core.errors import SourceError

if TYPE_CHECKING:
    import duckdb

#: DuckDB's own buffers stay under this, so the process stays within a few hundred MB whatever the
#: file's size: bigger files spill to disk instead of growing.
MEMORY_LIMIT = "384MB"
#: The longest line a CSV may have: a contact row is a few KB, a longer line is a file without line
#: breaks (or not a CSV), and is refused without ever being read whole.
MAX_LINE_BYTES = 1 << 20

#: Headers we recognise for a field nobody mapped, compared lower-case with only letters and digits.
ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("email", "emailaddress", "mail"),
    "first_name": ("firstname", "givenname"),
    "last_name": ("lastname", "surname", "familyname"),
    "last_activity": ("lastactivity", "lastactivitydate", "lastactivityat", "lastengagementdate"),
    "unsubscribed": ("unsubscribed", "emailoptout", "hasoptedoutofemail"),
    "marketable": ("marketable", "ismarketable"),
}
_DELIMITERS = (",", ";", "\t", "|")

#: Set when the fetch a scan works for was given up (its timeout): the Python side of the scan (the
#: diagnosis of a refused CSV) stops at its next line or block. `asyncio.to_thread` hands each
#: worker thread the context of its own fetch, so every scan sees its own event.
STOP: ContextVar[threading.Event | None] = ContextVar("mopstui_file_scan_stop", default=None)


def connect(temp_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB with a memory cap; spills go to `temp_dir`, never the working directory."""
    import duckdb

    spill = temp_dir or Path(tempfile.gettempdir()) / "mopstui-duckdb"
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)})
    # DuckDB draws a progress bar on stdout for long queries: it would scribble over the TUI.
    con.execute("SET enable_progress_bar = false")
    return con


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


class ExportFile:
    """One contact export on disk: how to read it, what columns it has, what went wrong in words."""

    def __init__(self, path: Path, fmt: str, display: str) -> None:
        self.path = path
        self.fmt = fmt
        #: The path as the user wrote it in the config, used in every message.
        self.display = display
        self._delimiter: str | None = None

    # -- readers --------------------------------------------------------------------------------
    def _open_binary(self) -> IO[bytes]:
        """The file's bytes, unpacked on the way when it is gzipped."""
        if self.path.name.lower().endswith(".gz"):
            return gzip.open(self.path, "rb")  # type: ignore[return-value]
        return open(self.path, "rb")

    def table(self, columns: Sequence[str] | None = None) -> str:
        """A DuckDB table expression reading the whole file; every CSV value is text, as written."""
        path = lit(str(self.path))
        if self.fmt == "parquet":
            return f"read_parquet({path})"
        if self.fmt == "jsonl":
            # Read every column as text: the type guessed from the first lines may not fit line 50,000.
            typed = ""
            if columns is not None:
                typed = ", columns={" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in columns) + "}"
            return f"read_json({path}, format='newline_delimited'{typed})"
        # A fixed dialect (delimiter from the header, RFC 4180 quotes, no skipped lines) so a ragged
        # row or a stray quote is an error, not a silently re-guessed layout.
        return (
            f"read_csv({path}, all_varchar=true, header=true, skip=0, delim={lit(self.delimiter())}, "
            f"quote='\"', escape='\"', strict_mode=true, encoding='utf-8', max_line_size={MAX_LINE_BYTES})"
        )

    def delimiter(self) -> str:
        """The delimiter used most in the header line (`,` `;` tab or `|`)."""
        if self._delimiter is None:
            header = self._first_line()
            counts = {d: header.count(d) for d in _DELIMITERS}
            best = max(_DELIMITERS, key=lambda d: counts[d])
            self._delimiter = best if counts[best] else ","
        return self._delimiter

    def _first_line(self) -> str:
        try:
            with self._open_binary() as fh:
                head = fh.readline(MAX_LINE_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise SourceError(f"{self.display}: cannot be read ({_os_reason(exc)})") from None
        if len(head) > MAX_LINE_BYTES and not head.endswith(b"\n"):
            raise SourceError(f"{self.display}: {_too_long(1)}")
        return head.decode("utf-8", errors="replace")

    def first_long_line(self, limit: int = MAX_LINE_BYTES) -> int | None:
        """The number of the first line longer than `limit` bytes, else None; the file is read a
        block at a time, so a line of gigabytes is never held whole."""
        line, length = 1, 0  # the current line's number, and its bytes so far
        try:
            with self._open_binary() as fh:
                while block := fh.read(_BLOCK):
                    _stop_if_asked()
                    parts = block.split(b"\n")
                    length += len(parts[0])
                    if length > limit:
                        return line
                    for i, part in enumerate(parts[1:], 1):
                        if len(part) > limit:
                            return line + i
                    if len(parts) > 1:
                        line, length = line + len(parts) - 1, len(parts[-1])
        except (OSError, EOFError, _Stopped):
            return None
        return None

    def columns(self, con: duckdb.DuckDBPyConnection) -> list[str]:
        """The file's column names (a CSV header, Parquet schema, keys of the JSON lines)."""
        if self.fmt == "csv" and not self._first_line().strip():
            raise SourceError(f"{self.display}: the first line is empty; expected a header row naming the columns")
        try:
            rows = con.execute(f"DESCRIBE SELECT * FROM {self.table()}").fetchall()
        except Exception as exc:
            raise self.error(exc) from None
        return [str(r[0]) for r in rows]

    # -- column mapping -------------------------------------------------------------------------
    def resolve(self, available: Sequence[str], mapped: Mapping[str, str], required: Sequence[str]) -> dict[str, str]:
        """Our field names -> this file's headers. Mapped and required fields must exist; others are optional."""
        found: dict[str, str] = {}
        by_squash: dict[str, str] = {}
        for name in available:
            by_squash.setdefault(_squash(name), name)
        for ours in dict.fromkeys(["email", *required, *KNOWN_FIELDS, *mapped]):
            if ours in mapped:
                theirs = mapped[ours]
                match = theirs if theirs in available else by_squash.get(_squash(theirs))
                if match is None:
                    raise SourceError(
                        f"{self.display}: no column {theirs!r} (mapped from {ours}); its columns are {_listing(available)}"
                    )
                found[ours] = match
                continue
            for alias in (_squash(ours), *ALIASES.get(ours, ())):
                if alias in by_squash:
                    found[ours] = by_squash[alias]
                    break
            else:
                if ours == "email" or ours in required:
                    raise SourceError(
                        f"{self.display}: no {ours} column (its columns are {_listing(available)}); "
                        f'map one with columns = {{ {ours} = "..." }}'
                    )
        return found

    # -- errors ---------------------------------------------------------------------------------
    def error(self, exc: BaseException) -> SourceError:
        """DuckDB's multi-paragraph error as one line saying what is wrong with the file."""
        if isinstance(exc, SourceError):
            return exc
        message = str(exc)
        line = re.search(r"(?:CSV Error on )?Line:? (\d+)", message)
        where = f"line {line.group(1)}" if line else "the file"
        if "Invalid unicode" in message or "not utf-8" in message.lower():
            return SourceError(f"{self.display}: {where} is not UTF-8 text; re-export the file as UTF-8")
        columns = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
        if columns:
            return SourceError(
                f"{self.display}: {where} has {columns.group(2)} fields but the header has {columns.group(1)}; "
                "check for a stray delimiter or quote"
            )
        if "Maximum line size" in message:  # DuckDB's own line number can be off: count them ourselves
            return SourceError(f"{self.display}: {_too_long(self.first_long_line())}")
        if "No files found" in message or "No such file" in message:
            return SourceError(f"{self.display}: file not found")
        if "magic bytes" in message or "not a parquet file" in message.lower():
            return SourceError(f"{self.display}: not a Parquet file (or it is truncated)")
        if "Malformed JSON" in message:
            detail = re.search(r"in line (\d+)", message)
            return SourceError(f"{self.display}: line {detail.group(1) if detail else '?'} is not valid JSON")
        if "sniffing" in message or "CSV" in message:
            return SourceError(f"{self.display}: {self.diagnose()}")
        if "Interrupt" in type(exc).__name__:
            return SourceError(f"{self.display}: scan interrupted")
        first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
        return SourceError(f"{self.display}: cannot be read ({first})")

    def diagnose(self, max_rows: int = 200_000) -> str:
        """Find the first thing wrong in a CSV DuckDB refused, using Python's csv module on its head."""
        try:
            with self._open_binary() as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                reader = csv.reader(_bounded_lines(text), delimiter=self.delimiter(), strict=True)
                width = None
                for n, row in enumerate(reader):
                    if width is None:
                        width = len(row)
                    elif len(row) != width:
                        return f"line {reader.line_num} has {len(row)} fields but the header has {width}; check for a stray delimiter or quote"
                    if n >= max_rows:
                        break
        except _LineTooLong as long_line:
            return _too_long(long_line.number)
        except _Stopped:
            return "scan stopped (the source's timeout_seconds ran out)"
        except UnicodeDecodeError:
            return "not UTF-8 text; re-export the file as UTF-8"
        except csv.Error as exc:
            return f"not readable as CSV ({exc}); check for an unclosed quote"
        except (OSError, EOFError) as exc:
            return f"cannot be read ({_os_reason(exc)})"
        return "not readable as CSV; check the delimiter and quoting"


_BLOCK = 1 << 20


class _Stopped(Exception):
    """The fetch this scan works for was given up (see STOP)."""


def _stop_if_asked() -> None:
    stop = STOP.get()
    if stop is not None and stop.is_set():
        raise _Stopped


class _LineTooLong(Exception):
    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def _bounded_lines(text: io.TextIOWrapper, limit: int = MAX_LINE_BYTES) -> Iterator[str]:
    """The lines of `text`, each read no further than `limit` characters (a longer one raises)."""
    number = 0
    while line := text.readline(limit + 1):
        _stop_if_asked()
        number += 1
        if len(line) > limit and not line.endswith(("\n", "\r")):
            raise _LineTooLong(number)
        yield line


def _too_long(number: int | None) -> str:
    where = f"line {number}" if number is not None else "a line"
    return (
        f"{where} is longer than {MAX_LINE_BYTES >> 20} MB (no line break in it); "
        "check that the file is a contact export with one row per line"
    )


def _listing(names: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _os_reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
