"""One Marketo source's share of Adobe's bulk export limits, shared by every export it runs.

Adobe (bulk-lead-extract.md, error-codes.md 1029): per subscription, 2 jobs process at a time, 10
wait in the queue, and the files of a day may total 500 MB, a day that ends at midnight US Central.
The audience counts (`why`) and the data-quality export draw on the same allowance, so they share
this one object: the jobs of ours in flight, and the bytes exported today. The day's tally is kept
in a small file in the source's cache dir, so a restart of the cockpit does not forget it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from mopstui.adapters.marketo.dates import next_quota_reset
from mopstui.core.private import open_private, private_dir

DAILY_BYTES = 500 * 1024 * 1024
#: Our jobs queued or processing at once: Marketo processes 2 per subscription.
MAX_IN_FLIGHT = 2


class BulkBudget:
    """Jobs in flight (export ids) and the bytes of today's files, for one source."""

    def __init__(self, path: Path | None = None, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.path, self.now = path, now
        self.in_flight: set[str] = set()
        #: Set by a 1029 quota refusal: no export until Marketo's day ends.
        self.refused_until: datetime | None = None
        self.resets_at, self.used = self._load()

    def _load(self) -> tuple[datetime, int]:
        fresh = (next_quota_reset(self.now()), 0)
        if self.path is None:
            return fresh
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            resets_at, used = datetime.fromisoformat(data["resets_at"]), int(data["bytes"])
        except (OSError, ValueError, KeyError, TypeError):
            return fresh  # no tally yet, or one we cannot read: Marketo's own 1029 still guards the day
        if resets_at.tzinfo is None or used < 0 or self.now() >= resets_at:
            return fresh
        return resets_at, used

    def _roll(self) -> None:
        if self.now() >= self.resets_at:
            self.resets_at, self.used = next_quota_reset(self.now()), 0

    def add(self, file_size: int | None) -> None:
        """A job completed with a file of `file_size` bytes: it counts against today's allowance."""
        self._roll()
        if not file_size:
            return
        self.used += file_size
        if self.path is None:
            return
        part = self.path.with_name(self.path.name + ".part")
        try:
            private_dir(self.path.parent)
            with open_private(part, "w", encoding="utf-8") as fh:
                json.dump({"resets_at": self.resets_at.isoformat(), "bytes": self.used}, fh)
            os.replace(part, self.path)
        except OSError:  # an unwritable cache: the tally lives on in memory, and Marketo's 1029 guards the day
            part.unlink(missing_ok=True)

    def refuse_until_reset(self) -> None:
        """Marketo said the day's quota is spent (1029 "Export daily quota exceeded")."""
        self.refused_until = next_quota_reset(self.now())

    @property
    def spent(self) -> bool:
        if self.refused_until is not None and self.now() < self.refused_until:
            return True
        self._roll()
        return self.used >= DAILY_BYTES

    @property
    def slot_free(self) -> bool:
        return len(self.in_flight) < MAX_IN_FLIGHT
