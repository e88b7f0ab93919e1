"""JiraSource against a fake Jira at the transport: paging, mapping, actions, 429s, auth, garbage."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from fakes.clock import FakeClock
from fakes.jira import EMAIL, ME, TOKEN, FakeJira, adf_text, make_issue

from mopstui.adapters.jira import (
    JiraOptions,
    JiraSource,
    adf_document,
    find_transition,
    issue_to_request,
    parse_due_date,
)
from mopstui.config import parse_config
from mopstui.core.errors import AuthError, BadAnswerError, ConfigError, CredentialError, RateLimitError
from mopstui.core.replies import DEFAULT_REPLIES
from mopstui.core.source import SourceContext

NOW = datetime(2023, 7, 1, 12, 0, tzinfo=timezone.utc)
JQL = "project = MOPS AND statusCategory != Done ORDER BY priority DESC, created ASC"


def options(**kw: object) -> JiraOptions:
    base = dict(base_url="https://acme.atlassian.net/", email=EMAIL, jql=JQL,
                sla_hours={"Highest": 4.0, "High": 24.0, "Medium": 72.0, "Low": 168.0})
    base.update(kw)
    return JiraOptions(**base)  # type: ignore[arg-type]


@pytest.fixture
def fake() -> FakeJira:
    jira = FakeJira()
    jira.add(
        make_issue("MOPS-1", "URGENT: webinar list upload", priority="Highest", created="2023-07-01T00:05:00.000+0000"),
        make_issue("MOPS-2", "Send to the whole database", priority="High", created="2023-06-29T09:00:00.000+0000"),
        make_issue("MOPS-3", "New nurture stream", priority="Low", duedate="2023-06-30", assignee=(ME, "Ops Me")),
        make_issue("MOPS-4", "Fix UTM field", priority=None, created="2023-06-01T09:00:00.000+0000"),
    )
    return jira


def source(fake: FakeJira, *, replies: dict[str, str] | None = None, token: str = TOKEN,
           time: FakeClock | None = None, **opts: object) -> JiraSource:
    time = time or FakeClock()
    ctx = SourceContext(secret=lambda field: token if field == "api_token" else "", replies=replies or {})
    return JiraSource("requests", options(**opts), ctx, transport=fake.transport(),
                      sleep=time.sleep, clock=time, rng=lambda: 0.0, now=lambda: NOW)


# -- options and mapping --------------------------------------------------------------------------


def test_config_accepts_the_issue_example(tmp_path: Path) -> None:
    data = {"sources": {"requests": {
        "kind": "jira", "base_url": "https://acme.atlassian.net", "email": EMAIL, "jql": JQL,
        "done_transition": "Done", "decline_transition": "Won't Do",
        "sla_hours": {"Highest": 4, "High": 24, "Medium": 72, "Low": 168}}}}
    config = parse_config(data, tmp_path / "config.toml")
    opts = config.source("requests").options
    assert opts.sla_hours == {"Highest": 4.0, "High": 24.0, "Medium": 72.0, "Low": 168.0}
    assert JiraSource.secret_fields == ("api_token",)
    assert set(JiraSource.action_labels) == {"take", "done", "decline"}


@pytest.mark.parametrize("bad, needle", [
    ({"base_url": "acme.atlassian.net"}, "base_url"),
    ({"email": "ops"}, "email"),
    ({"sla_hours": {"High": "soon"}}, "sla_hours.High"),
    ({"sla_hours": {"High": -1}}, "sla_hours.High"),
    ({"api_token": "x"}, "api_token"),
])
def test_config_errors_name_the_key(tmp_path: Path, bad: dict, needle: str) -> None:
    table = {"kind": "jira", "base_url": "https://acme.atlassian.net", "email": EMAIL, "jql": JQL, **bad}
    with pytest.raises(ConfigError, match=needle.replace(".", r"\.")):
        parse_config({"sources": {"requests": table}}, tmp_path / "config.toml")


def test_due_date_is_the_end_of_that_day() -> None:
    assert parse_due_date("2023-06-30") == datetime(2023, 6, 30, 23, 59, 59, tzinfo=timezone.utc)
    assert parse_due_date(None) is None


def test_overdue_from_due_date_else_sla() -> None:
    sla = {"Highest": 4.0, "Low": 168.0}
    late_due = issue_to_request("s", make_issue("X-1", "a", priority="Low", duedate="2023-06-30"),
                                base_url="https://x", sla_hours=sla, now=NOW)
    assert late_due.overdue and late_due.due is not None
    future_due = issue_to_request("s", make_issue("X-2", "a", priority="Highest", duedate="2023-07-05",
                                                  created="2023-06-01T00:00:00.000+0000"),
                                  base_url="https://x", sla_hours=sla, now=NOW)
    assert not future_due.overdue  # a due date wins over the SLA
    sla_late = issue_to_request("s", make_issue("X-3", "a", priority="Highest", created="2023-07-01T07:00:00.000+0000"),
                                base_url="https://x", sla_hours=sla, now=NOW)
    assert sla_late.overdue  # 5 h old, 4 h SLA
    done = issue_to_request("s", make_issue("X-4", "a", priority="Highest", status="Done", duedate="2023-06-01"),
                            base_url="https://x", sla_hours=sla, now=NOW)
    assert not done.overdue


def test_adf_document_and_transition_lookup() -> None:
    doc = adf_document("Thanks!\n\nPlease  send a brief.")
    assert doc == {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "Thanks!"}]},
        {"type": "paragraph", "content": [{"type": "text", "text": "Please send a brief."}]}]}
    assert find_transition([{"id": "5", "name": "won't do"}], "Won't Do") == {"id": "5", "name": "won't do"}
    assert find_transition("garbage", "Done") is None


# -- fetch ----------------------------------------------------------------------------------------


async def test_fetch_maps_every_field_and_names_the_fields(fake: FakeJira) -> None:
    src = source(fake)
    requests = {r.id: r for r in await src.fetch_requests()}
    assert set(requests) == {"MOPS-1", "MOPS-2", "MOPS-3", "MOPS-4"}
    r1 = requests["MOPS-1"]
    assert (r1.title, r1.requester, r1.priority, r1.status) == ("URGENT: webinar list upload", "Dana Sales", "Highest", "To Do")
    assert r1.created == datetime(2023, 7, 1, 0, 5, tzinfo=timezone.utc)
    assert r1.url == "https://acme.atlassian.net/browse/MOPS-1"
    assert r1.overdue and r1.assignee is None and r1.actions == ("take", "done", "decline")
    assert requests["MOPS-2"].overdue  # 51 h old, High SLA is 24 h
    r3 = requests["MOPS-3"]
    assert r3.assignee == "Ops Me" and r3.overdue and r3.actions == ("done", "decline")
    assert requests["MOPS-4"].priority == "" and not requests["MOPS-4"].overdue  # no priority, no SLA
    search = fake.calls("POST", "/search/jql")[0]
    body = json.loads(search.content)
    assert body["jql"] == JQL and {"summary", "reporter", "priority", "status", "created", "duedate", "assignee"} <= set(body["fields"])
    assert src.calls == 2  # myself + one page


async def test_fetch_pages_until_is_last(fake: FakeJira) -> None:
    fake.page_cap = 3
    fake.add(*[make_issue(f"MOPS-{n}", f"Request {n}") for n in range(5, 12)])
    src = source(fake)
    requests = await src.fetch_requests()
    assert [r.id for r in requests] == [f"MOPS-{n}" for n in range(1, 12)]
    pages = fake.calls("POST", "/search/jql")
    assert len(pages) == 4
    tokens = [json.loads(p.content).get("nextPageToken") for p in pages]
    assert tokens == [None, "page-3", "page-6", "page-9"]
    # the second refresh does not ask who I am again
    src.reset_calls()
    await src.fetch_requests()
    assert src.calls == 4


# -- actions --------------------------------------------------------------------------------------


async def test_take_assigns_to_myself(fake: FakeJira) -> None:
    outcome = await source(fake).perform("take", "MOPS-1", {})
    assert outcome.ok, outcome.message
    assert fake.issues["MOPS-1"]["fields"]["assignee"]["accountId"] == ME
    assert json.loads(fake.calls("PUT", "/assignee")[0].content) == {"accountId": ME}


async def test_done_transitions_by_name(fake: FakeJira) -> None:
    fake.transitions["MOPS-2"] = [{"id": "701", "name": "Done", "to": {"name": "Done", "statusCategory": {"key": "done"}}}]
    outcome = await source(fake).perform("done", "MOPS-2", {})
    assert outcome.ok, outcome.message
    assert json.loads(fake.calls("POST", "/transitions")[0].content) == {"transition": {"id": "701"}}
    assert fake.issues["MOPS-2"]["fields"]["status"]["name"] == "Done"


async def test_decline_posts_the_reply_then_transitions(fake: FakeJira) -> None:
    text = DEFAULT_REPLIES["whole-database"]
    outcome = await source(fake).perform("decline", "MOPS-2", {"reply": text, "reply_id": "whole-database"})
    assert outcome.ok, outcome.message
    assert adf_text(fake.comments["MOPS-2"][0]) == text
    assert fake.issues["MOPS-2"]["fields"]["status"]["name"] == "Won't Do"
    order = [(r.method, r.url.path.rsplit("/", 1)[-1]) for r in fake.log if "/issue/" in r.url.path]
    assert order == [("GET", "transitions"), ("POST", "comment"), ("POST", "transitions")]


async def test_decline_by_reply_id_uses_the_config_replies(fake: FakeJira) -> None:
    src = source(fake, replies={"duplicate": "Tracked in MOPS-1, closing this copy."})
    outcome = await src.perform("decline", "MOPS-2", {"reply_id": "duplicate"})
    assert outcome.ok
    assert adf_text(fake.comments["MOPS-2"][0]) == "Tracked in MOPS-1, closing this copy."


async def test_decline_without_the_transition_leaves_the_issue_untouched(fake: FakeJira) -> None:
    fake.transitions["MOPS-2"] = [{"id": "31", "name": "Done", "to": {"name": "Done", "statusCategory": {"key": "done"}}}]
    outcome = await source(fake).perform("decline", "MOPS-2", {"reply": "No, thanks."})
    assert not outcome.ok
    assert "Won't Do" in outcome.message and "'Done'" in outcome.message and "nothing was changed" in outcome.message
    assert "MOPS-2" not in fake.comments
    assert fake.calls("POST", "/comment") == [] and fake.calls("POST", "/transitions") == []
    assert fake.issues["MOPS-2"]["fields"]["status"]["name"] == "To Do"


async def test_decline_without_a_reply_is_refused(fake: FakeJira) -> None:
    outcome = await source(fake).perform("decline", "MOPS-2", {})
    assert not outcome.ok and "reply" in outcome.message
    assert fake.log == []


async def test_unknown_issue_says_so(fake: FakeJira) -> None:
    outcome = await source(fake).perform("done", "MOPS-99", {})
    assert not outcome.ok and "MOPS-99 not found" in outcome.message


async def test_transition_failure_after_comment_is_reported(fake: FakeJira) -> None:
    def flaky(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":  # the lookup works; the POST after the comment fails
            fake.fail_next(r"/transitions$", flaky)
            return fake._transitions(request, "MOPS-2")
        return httpx.Response(400, json={"errorMessages": ["Field 'resolution' is required."], "errors": {}})

    fake.fail_next(r"/transitions$", flaky)
    outcome = await source(fake).perform("decline", "MOPS-2", {"reply": "No."})
    assert not outcome.ok
    assert "reply was posted" in outcome.message and "resolution" in outcome.message


# -- failures -------------------------------------------------------------------------------------


async def test_429_honours_retry_after(fake: FakeJira) -> None:
    time = FakeClock()
    fake.fail_next("/search/jql", httpx.Response(429, headers={"Retry-After": "7"}, json={"errorMessages": ["Rate limit"]}))
    requests = await source(fake, time=time).fetch_requests()
    assert len(requests) == 4
    assert 7.0 in time.sleeps


async def test_429_that_never_ends_is_a_rate_limit_error(fake: FakeJira) -> None:
    for _ in range(10):
        fake.fail_next("/myself", httpx.Response(429, headers={"Retry-After": "2"}))
    with pytest.raises(RateLimitError, match="429"):
        await source(fake).fetch_requests()


async def test_401_names_the_credential_to_fix(fake: FakeJira) -> None:
    with pytest.raises(AuthError) as info:
        await source(fake, token="wrong-token").fetch_requests()
    message = str(info.value)
    assert "api_token" in message and "401" in message and "mopstui auth set requests api_token" in message
    assert "wrong-token" not in message


async def test_403_names_the_credential_and_permissions(fake: FakeJira) -> None:
    fake.fail_next("/myself", httpx.Response(403, json={"errorMessages": ["nope"]}))
    with pytest.raises(AuthError, match="permissions.*mopstui auth set requests api_token"):
        await source(fake).fetch_requests()


async def test_missing_secret_fails_at_fetch_not_at_start(fake: FakeJira) -> None:
    def missing(field: str) -> str:
        raise CredentialError(f"no {field} for source 'requests': run `mopstui auth set requests {field}`")
    src = JiraSource("requests", options(), SourceContext(secret=missing), transport=fake.transport())
    with pytest.raises(CredentialError, match="api_token"):
        await src.fetch_requests()


@pytest.mark.parametrize("response", [
    httpx.Response(200, text="<html><body>Atlassian is down</body></html>"),
    httpx.Response(200, json={"values": []}),
    httpx.Response(200, json={"issues": [{"key": "MOPS-1", "fields": {"summary": "x", "created": "yesterday"}}], "isLast": True}),
    httpx.Response(200, json=[1, 2]),
])
async def test_garbage_is_a_clear_error(fake: FakeJira, response: httpx.Response) -> None:
    fake.fail_next("/search/jql", response)
    with pytest.raises(BadAnswerError) as info:
        await source(fake).fetch_requests()
    assert str(info.value).startswith("requests: ")


async def test_decline_through_the_cockpit_refetches_the_queue(fake: FakeJira) -> None:
    from mopstui.core.service import Cockpit, SourceHandle

    cockpit = Cockpit({"requests": SourceHandle(source(fake))})
    await cockpit.refresh()
    assert len(cockpit.results["requests"].requests) == 4
    outcome = await cockpit.perform("requests", "decline", "MOPS-2", {"reply": DEFAULT_REPLIES["duplicate"], "reply_id": "duplicate"})
    assert outcome.ok, outcome.message
    # the cockpit re-fetched the source: the queue now shows what Jira says (the fake ignores the JQL)
    refreshed = {r.id: r for r in cockpit.results["requests"].requests}
    assert refreshed["MOPS-2"].status == "Won't Do"


async def test_a_5xx_on_search_is_retried(fake: FakeJira) -> None:
    time = FakeClock()
    fake.fail_next("/search/jql", httpx.Response(503, text="Service Unavailable"))
    assert len(await source(fake, time=time).fetch_requests()) == 4
    assert len(fake.calls("POST", "/search/jql")) == 2 and time.sleeps
