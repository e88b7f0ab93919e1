"""A million-row Salesforce export gives exactly the counts a `file` source gives for the same rows."""

from __future__ import annotations

import csv
from pathlib import Path

from mopstui.adapters.files import FileOptions, FileSource

from fakes.salesforce import LEAD_FIELDS, TODAY, FakeObject, FakeSalesforce, by_metric, make_source, synthetic_lead

ROWS = 1_000_000
REQUIRED = ["email", "country", "lead_source"]


async def test_a_million_rows_count_exactly_as_the_file_source(tmp_path: Path) -> None:
    fake = FakeSalesforce(objects={"Lead": FakeObject(LEAD_FIELDS, ROWS, synthetic_lead)})
    source = make_source(fake, tmp_path, required_fields=REQUIRED)
    sfdc = {k.removeprefix("Lead · "): v for k, v in by_metric(await source.fetch_quality()).items() if "·" in k}

    by_hand = tmp_path / "same-rows.csv"
    with by_hand.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=LEAD_FIELDS)
        writer.writeheader()
        writer.writerows(synthetic_lead(i) for i in range(ROWS))
    file_source = FileSource("crm", FileOptions(path=str(by_hand), required_fields=REQUIRED), today=lambda: TODAY)
    metrics = await file_source.fetch_quality()
    assert metrics[0].total == ROWS
    assert sfdc == by_metric(metrics)
    assert all(
        sfdc[m] > 0 for m in ("duplicates", "invalid_email", "role_email", "personal_email", "test_record", "stale")
    )
    assert len(fake.calls("GET", r"/jobs/query/\w+/results")) == 20  # 50,000 records a page
