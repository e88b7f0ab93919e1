"""In the cockpit, an action done but not confirmed is a warning that says so, never "failed"."""

from __future__ import annotations

import json
from pathlib import Path

from mopstui import paths
from mopstui.config import load_config
from mopstui.core.errors import UnreachableError
from mopstui.core.models import WorkflowScan
from mopstui.tui.app import MopsApp

from fakes.pilot import loaded, record_notices


async def test_an_activation_whose_refetch_failed_is_a_done_not_confirmed_warning(state_dir: Path) -> None:
    app = MopsApp(load_config(paths.config_path()))
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        source = app.cockpit.handles["demo"].source

        async def down() -> WorkflowScan:
            raise UnreachableError("demo: cannot reach the platform (connection reset)")

        source.fetch_workflows = down  # type: ignore[method-assign]  # the platform goes away after the write
        await pilot.press("a", "y")
        for _ in range(60):
            await pilot.pause(0.05)
            if any("could not confirm" in n.message for n in notices):
                break
        [notice] = [n for n in notices if "could not confirm" in n.message]
        assert notice.title == "activate: done, not confirmed" and notice.severity == "warning"
        assert notice.message.startswith("done; could not confirm: Activated 'Lead Routing - Inbound MQL'")
        assert "connection reset" in notice.message
        assert not any("failed" in (n.title or "") for n in notices)
    log = [json.loads(line) for line in (state_dir / "audit.jsonl").read_text().splitlines()]
    assert [e["outcome"] for e in log] == ["attempt", "ok-unconfirmed"]
