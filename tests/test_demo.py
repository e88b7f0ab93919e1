"""The demo workspace: deterministic, believable, and changed by actions."""

from __future__ import annotations

from datetime import UTC, datetime

from mopstui.adapters.demo import DemoOptions, DemoSource
from mopstui.adapters.demo.workspace import overdue_rule

MORNING = datetime(2026, 11, 27, 7, 3, tzinfo=UTC)


def source(**options) -> DemoSource:
    options.setdefault("contacts", 1500)
    return DemoSource("demo", DemoOptions(**options), clock=lambda: MORNING)


async def snapshot(s: DemoSource):
    scan = await s.fetch_workflows()
    return scan.problems, scan.states, await s.fetch_requests(), await s.fetch_quality()


async def test_same_seed_same_workspace_other_seed_other_workspace():
    a, b, c = await snapshot(source(seed=3)), await snapshot(source(seed=3)), await snapshot(source(seed=4))
    assert a == b
    assert a[2] != c[2] or a[3] != c[3]


async def test_planted_morning_problems_are_there():
    problems, states, requests, metrics = await snapshot(source())
    by_name = {p.name: p for p in problems}
    routing = by_name["Lead Routing - Inbound MQL"]
    assert (routing.problem, routing.severity, routing.kind) == ("inactive", "critical", "trigger")
    assert "02:00" in routing.detail and routing.actions == ("activate",)
    assert by_name["Webinar - Send Recording"].problem == "invalid"
    assert by_name["Newsletter - November Send"].problem == "unapproved-asset"
    assert "auto-deactivated" in by_name["Scoring - Website Behaviour"].detail
    assert {p.problem for p in problems} >= {"invalid", "inactive", "unapproved-asset", "failed-run", "stalled"}
    assert len(requests) == 24
    vp = next(r for r in requests if r.id == "MOPS-101")
    assert "URGENT" in vp.title and vp.priority == "Highest" and vp.overdue  # midnight ask, 4 h SLA, now 07:03
    assert any("whole database" in r.title for r in requests)
    assert 0 < sum(r.overdue for r in requests) < len(requests)
    keys = {m.metric for m in metrics}
    assert {"duplicates", "invalid_email", "missing:country"} <= keys
    assert all(m.total == 1500 for m in metrics)
    assert any(m.severity in ("warning", "critical") for m in metrics)
    assert len(states) > 10 and any(not s.active for s in states)


async def test_activate_fixes_the_problem_on_the_next_fetch():
    s = source()
    outcome = await s.perform("activate", "1001", {})
    assert outcome.ok
    problems, states, _, _ = await snapshot(s)
    assert "1001" not in {p.id for p in problems}
    assert next(st for st in states if st.id == "1001").active


async def test_request_actions_change_the_queue():
    s = source()
    assert (await s.perform("take", "MOPS-101", {})).ok
    assert (await s.perform("decline", "MOPS-102", {"reply": "no"})).ok
    assert (await s.perform("done", "MOPS-103", {})).ok
    requests = {r.id: r for r in await s.fetch_requests()}
    assert requests["MOPS-101"].assignee == "you" and "take" not in requests["MOPS-101"].actions
    assert "MOPS-102" not in requests and "MOPS-103" not in requests
    assert not (await s.perform("done", "MOPS-103", {})).ok  # already closed


async def test_scale_sizes_for_big_list_tests():
    s = source(campaigns=20_000, requests=100_000, contacts=0)
    requests = await s.fetch_requests()
    scan = await s.fetch_workflows()
    assert len(requests) == 100_000
    assert len(scan.problems) > 300


async def test_at_scale_a_higher_ticket_number_was_created_later():
    requests = await source(requests=5_000, contacts=0).fetch_requests()
    bulk = [r for r in requests if int(r.id.split("-")[1]) >= 1106]  # past the hand-made first thousand
    assert len(bulk) > 3_000
    assert all(a.created <= b.created for a, b in zip(bulk, bulk[1:], strict=False))
    assert bulk[0].created < bulk[-1].created


async def test_overdue_follows_the_clock_between_fetches():
    now = [MORNING]
    s = DemoSource("demo", DemoOptions(contacts=0), clock=lambda: now[0])
    before = {r.id: r for r in await s.fetch_requests()}
    assert not all(r.overdue for r in before.values())
    now[0] = MORNING.replace(day=MORNING.day + 3)
    after = {r.id: r for r in await s.fetch_requests()}
    turned = [i for i in before if not before[i].overdue and after[i].overdue]
    assert len(turned) >= 5
    assert all(r.overdue == overdue_rule(now[0])(r.created, r.due, r.priority) for r in after.values())
    unchanged = [i for i in before if before[i].overdue == after[i].overdue]
    assert all(after[i] is before[i] for i in unchanged)  # the same objects: the panes reuse their rows


def test_quality_counts_agree_with_the_rules_row_by_row():
    """The demo counts a column at a time; the rules' reference predicates, contact by contact,
    must give the same numbers (and every rule finds something in 2,000 contacts)."""
    from datetime import timedelta

    from mopstui.adapters.demo import workspace as ws
    from mopstui.core import quality as q

    contacts = ws._contacts(7, MORNING, 2000)
    total, counts = ws.quality_counts(contacts, MORNING)
    seen: set[str] = set()
    expected = dict.fromkeys(counts, 0)
    rows = zip(
        contacts.email,
        contacts.first_name,
        contacts.last_name,
        contacts.country,
        contacts.lead_source,
        contacts.last_activity,
        contacts.unsubscribed,
        contacts.marketable,
        strict=False,
    )
    for email, first, last, country, lead_source, active, unsub, marketable in rows:
        norm = q.normalise_email(email)
        if norm:
            expected["duplicates"] += norm in seen
            seen.add(norm)
        expected["missing:email"] += q.is_blank(email)
        expected["invalid_email"] += q.is_invalid_email(email)
        expected["missing:country"] += q.is_blank(country)
        expected["missing:lead_source"] += q.is_blank(lead_source)
        expected["role_email"] += q.is_role_email(email)
        expected["personal_email"] += q.is_personal_email(email)
        expected["test_record"] += q.is_test_record(email, first, last)
        expected["stale"] += active < MORNING - timedelta(days=730)
        expected["unsubscribed_marketable"] += unsub and marketable
    assert (total, counts) == (2000, expected)
    assert all(counts.values()), counts
    assert ws.quality_counts(ws._contacts(7, MORNING, 0), MORNING) == (0, dict.fromkeys(counts, 0))


async def test_the_first_morning_reads_the_same_at_any_hour():
    """Past midnight too: nothing planted lies ahead of now, and the VP's 00:04 request is late."""
    for hour, minute in ((0, 1), (3, 59), (5, 0), (7, 3), (23, 59)):
        now = MORNING.replace(hour=hour, minute=minute)
        s = DemoSource("demo", DemoOptions(contacts=1500), clock=lambda now=now: now)
        problems, _states, requests, _metrics = await snapshot(s)
        assert max(p.since for p in problems if p.since) <= now, (hour, minute)
        assert max(r.created for r in requests) <= now, (hour, minute)
        vp = next(r for r in requests if r.id == "MOPS-101")
        assert vp.overdue and vp.priority == "Highest", (hour, minute)
