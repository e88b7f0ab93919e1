"""HubSpot `quality_export = true`: a CRM contacts export task, polled, its file fetched without the
token and counted by the file rules; search totals until the first export is in."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from mopstui.adapters.files import FileOptions, FileSource
from mopstui.adapters.hubspot import HubSpotOptions, HubSpotSource
from mopstui.core.errors import SourceError
from mopstui.core.source import SourceContext

from fakes.clock import FakeClock
from fakes.hubspot import TOKEN
from fakes.hubspot_export import FakeHubSpotExport

CONTACTS = [
    {"email": "a@acme.com", "firstname": "Ann", "lastname": "Lee", "country": "FR", "hs_email_optout": "false"},
    {"email": " A@acme.com", "firstname": "Ann", "lastname": "Lee", "country": "", "hs_email_optout": "true"},
    {"email": "info@gmail.com", "firstname": "Mickey", "lastname": "Mouse", "country": "DE"},
    {"email": "broken", "firstname": "", "lastname": "", "country": "US"},
    {"email": "", "country": "US"},
]


def build(fake: FakeHubSpotExport, **opts: object) -> HubSpotSource:
    fake.contacts = [dict(c) for c in CONTACTS]
    clock = FakeClock()
    fake.clock, fake.sleep = clock, clock.sleep
    options = HubSpotOptions(base_url="https://hubspot.test", required_properties=["email", "country"], **opts)  # type: ignore[arg-type]
    source = HubSpotSource(
        "hubspot",
        options,
        SourceContext(secret=lambda f: TOKEN),
        transport=fake.transport(),
        clock=clock,
        sleep=clock.sleep,
    )
    if source.export is not None:
        source.export.counter.today = lambda: date(2026, 3, 2)
    return source


async def file_counts(tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "by-hand.csv"
    props = ["email", "firstname", "lastname", "hs_email_optout", "country"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(props)
        writer.writerows([[c.get(p, "") for p in props] for c in CONTACTS])
    options = FileOptions(path=str(path), required_fields=["email", "country"])
    return {m.metric: m.count for m in await FileSource("h", options, today=lambda: date(2026, 3, 2)).fetch_quality()}


@pytest.mark.parametrize("zipped", [False, True])
async def test_the_export_is_counted_by_the_file_rules(tmp_path: Path, zipped: bool) -> None:
    fake = FakeHubSpotExport()
    fake.zipped = zipped
    source = build(fake, quality_export=True)
    first = {m.metric: m.count for m in await source.fetch_quality()}
    assert first == {"missing:email": 1, "missing:country": 1}  # search totals meanwhile
    assert "HubSpot export processing" in source.health
    metrics = await source.fetch_quality()
    counts = {m.metric: m.count for m in metrics}
    assert counts == await file_counts(tmp_path)
    assert counts["duplicates"] == 1 and counts["invalid_email"] == 1 and counts["test_record"] == 1
    [task] = fake.tasks.values()
    assert task["body"]["objectType"] == "CONTACT" and task["body"]["format"] == "CSV"
    assert task["body"]["objectProperties"] == ["email", "firstname", "lastname", "hs_email_optout", "country"]
    [download] = fake.file_requests
    assert "authorization" not in download.headers  # the signed link is fetched without our token
    files = sorted(p.name for p in source.export.file.parent.iterdir())  # type: ignore[union-attr]
    assert files == ["contacts.csv"]
    # The next refresh reuses the export: no new task, no search.
    searches = len(fake.calls("POST", "/search"))
    await source.fetch_quality()
    assert len(fake.tasks) == 1 and len(fake.calls("POST", "/search")) == searches
    assert "5 contacts exported 0 h ago" in source.health


async def test_a_canceled_export_is_one_line() -> None:
    fake = FakeHubSpotExport()
    fake.cancel = True
    source = build(fake, quality_export=True)
    await source.fetch_quality()
    with pytest.raises(SourceError, match=r"^hubspot: HubSpot canceled the contacts export 41000; the next refresh"):
        await source.fetch_quality()


async def test_without_quality_export_only_search_totals() -> None:
    fake = FakeHubSpotExport()
    source = build(fake)
    await source.fetch_quality()
    assert fake.tasks == {} and source.export is None
