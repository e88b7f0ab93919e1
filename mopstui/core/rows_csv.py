"""Offending rows to a CSV the user asked for (`e`): one writer for every source that exports rows.

Written through Python's csv module, batch by batch: memory stays flat and the file is quoted the
way spreadsheets expect, no cell a formula (csv_cell), readable by the user alone (contact rows).
Renamed into place only once complete, so a failure leaves no half file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from mopstui.core.errors import SourceError
from mopstui.core.private import open_private, private_dir
from mopstui.core.safe_text import csv_cell


def write_rows_csv(path: Path, names: Sequence[object], batches: Iterable[Sequence[Sequence[object]]]) -> int:
    """Write the header `names` and every row of `batches` to `path`; return how many rows.

    A file that cannot be written is a SourceError naming it; any other error (the driver's, as
    the batches are read) passes through, the partial file removed either way."""
    private_dir(path.parent)
    partial = path.with_name(path.name + ".part")
    written = 0
    try:
        with open_private(partial, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([csv_cell(n) for n in names])
            for batch in batches:
                writer.writerows([csv_cell(v) for v in r] for r in batch)
                written += len(batch)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise SourceError(f"cannot write {path} ({exc.strerror or exc})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written
