"""Nothing from a platform reaches the terminal raw: titles, names, URLs, file cells and error texts
holding ESC sequences (an OSC 52 clipboard write, an OSC 0 window title, ESC[2J), C0/C1 controls,
bidi overrides or line breaks are shown as visible stand-ins in the cockpit, in `check` text and
markdown, in `mopstui log` and in Slack messages; Slack text cannot forge a link; CSV exports do
not start a cell with a formula."""

from __future__ import annotations

import asyncio
import csv
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mopstui import notify, runtime
from mopstui.cli import main
from mopstui.config import load_config
from mopstui.core.models import WorkflowProblem
from mopstui.core.service import SourceResult, SourceStatus
from mopstui.report import Report
from mopstui.tui.app import MopsApp

from fakes.pilot import loaded
from fakes.scripted import Script, problem, request, use_scripted_kind

OSC52 = "\x1b]52;c;ZWNobyBvd25lZA==\x07"  # writes "echo owned" to the clipboard (tmux set-clipboard on)
WINDOW_TITLE = "\x1b]0;owned\x07"
CLEAR = "\x1b[2J"
C1_CSI = "\x9b31m"
BIDI = "\u202eexe.txt\u202c \u2066isolate\u2069"
HOSTILE = f"Webinar{OSC52} list{WINDOW_TITLE}{CLEAR}{C1_CSI} {BIDI} two\nlines\r"
SCRIPTED = '[sources.mkto]\nkind = "scripted"\n\n[sources.broken]\nkind = "scripted"\n'


def raw_controls(text: str, *, lines: bool = True) -> list[str]:
    """The characters of `text` a terminal would act on (newlines allowed when `lines`)."""

    def bad(ch: str) -> bool:
        code = ord(ch)
        if ch == "\n":
            return not lines
        return code < 0x20 or 0x7F <= code < 0xA0 or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069

    return sorted({repr(ch) for ch in text if bad(ch)})


def hostile_problem(id: str) -> WorkflowProblem:
    return replace(
        problem(id, name=f"Routing {id} {HOSTILE}"),
        detail=f"Detail {HOSTILE}",
        url=f"https://mkto.example.test/c/{id}?x={OSC52}",
        actions=("activate",),
    )


@pytest.fixture
def hostile(monkeypatch, write_config) -> Path:  # type: ignore[no-untyped-def]
    scripts = use_scripted_kind(monkeypatch)
    scripts["mkto"] = Script(
        problems=[hostile_problem("1001")], requests=[request("MOPS-1", overdue=True, title=f"Title {HOSTILE}")]
    )
    scripts["broken"] = Script(error=f"broken: cannot reach {WINDOW_TITLE}host{CLEAR}")
    return write_config(SCRIPTED)


def test_visible_keeps_the_length_and_shows_every_control() -> None:
    from mopstui.core.safe_text import visible

    shown = visible(HOSTILE)
    assert len(shown) == len(HOSTILE) and raw_controls(shown, lines=False) == []
    assert "␛]52;c;ZWNobyBvd25lZA==␇" in shown and "two⏎lines⏎" in shown
    plain = "Lead Routing – Inbound MQL 日本語 ✓"
    assert visible(plain) is plain  # the usual text is not copied
    assert visible("a\nb\r", keep_newlines=True) == "a\nb⏎"


async def test_the_cockpit_never_draws_a_control_character(hostile) -> None:  # type: ignore[no-untyped-def]
    from mopstui.tui.screens.confirm import ConfirmScreen
    from mopstui.tui.screens.detail import DetailScreen
    from mopstui.tui.screens.sources import SourcesScreen

    app = MopsApp(load_config(hostile))
    seen: dict[str, str] = {}

    async def look(where: str, *keys: str, screen: type | None = None) -> None:
        await pilot.press(*keys)
        await pilot.pause()
        if screen is not None:
            assert isinstance(app.screen, screen), where
        seen[where] = app.export_screenshot()

    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await look("panes")
        await look("workflow detail", "enter", screen=DetailScreen)
        await look("copy-link notification", "escape", "y")  # it quotes the URL
        await look("confirmation", "a", screen=ConfirmScreen)  # it names the campaign
        await look("requests pane and cancel notification", "n", "2")
        await look("request detail", "enter", screen=DetailScreen)
        await look("sources view", "escape", "S", screen=SourcesScreen)  # the broken source's error
        await pilot.press("escape")
    for where, svg in seen.items():
        assert raw_controls(svg) == [], f"raw control characters drawn in the {where}"
    assert "Routing 1001 Webinar␛]52" in seen["panes"].replace("&#160;", " ")  # shown, not sent
    assert "host␛[2J" in seen["sources view"].replace("&#160;", " ")


def test_check_text_and_markdown_show_no_controls_and_keep_one_line_per_item(hostile, capsys) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("text", "markdown"):
        main(["check", "--config", str(hostile), "--format", fmt])
        out, err = capsys.readouterr()
        assert raw_controls(out + err) == [], f"check --format {fmt}"
        assert "lines⏎" in out
        assert sum("Routing 1001" in line for line in out.splitlines()) == 1
        assert sum("MOPS-1" in line for line in out.splitlines()) == 1
        assert not any(line.startswith("lines") for line in out.splitlines())  # no line broken in two


def test_mopstui_log_shows_no_controls(capsys) -> None:  # type: ignore[no-untyped-def]
    runtime.audit_log().append("mkto", "activate", f"1001{OSC52}", "failed", f"platform said {HOSTILE}")
    main(["log"])
    out, err = capsys.readouterr()
    assert raw_controls(out + err) == [] and "platform said" in out
    assert len(out.strip().splitlines()) == 1


def test_slack_text_shows_no_controls_and_cannot_forge_a_link() -> None:
    forged = replace(
        hostile_problem("1002"),
        name="<https://evil.example|Click to re-login> & <!channel>",
        url="https://mkto.example.test/c/1002|Fake text> <https://evil.example",
    )
    status = SourceStatus("mkto", "scripted", "ok")
    result = SourceResult(
        status,
        problems=[hostile_problem("1001"), forged],
        new_keys=frozenset({"mkto:1001:invalid", "mkto:1002:invalid"}),
    )
    failed = SourceResult(SourceStatus("broken", "scripted", "error", error=f"down {OSC52}"))
    text = notify.slack_payload(Report(datetime.now(UTC), [result, failed]))["text"]
    assert raw_controls(text) == []
    # the only links are the two problems' own, each a <url|text> with nothing forged inside
    assert text.count("<") == 2 and text.count(">") == 2
    assert "&lt;https://evil.example|Click to re-login&gt; &amp; &lt;!channel&gt;" in text
    assert "<https://mkto.example.test/c/1002%7CFake%20text&gt;%20&lt;https://evil.example|" in text


def test_csv_export_cells_never_start_a_formula(tmp_path: Path) -> None:
    from mopstui.adapters.files import FileOptions, FileSource

    rows = [
        ["1", '=HYPERLINK("https://evil.example","x")', "DE"],
        ["2", "+1 555 0100", "@SUM(A1)"],
        ["3", "-2+3", "\tx"],
        ["4", "-12.5", "\r=cmd"],
        ["5", "plain", ""],
    ]
    data = tmp_path / "contacts.csv"
    with open(data, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Id", "Email", "Country"])
        writer.writerows(rows)
    source = FileSource(
        "crm",
        FileOptions(
            path=str(data), columns={"email": "Email", "country": "Country"}, required_fields=["email", "country"]
        ),
    )
    out = tmp_path / "export.csv"
    assert asyncio.run(source.export_rows("invalid_email", out)) == 5
    with open(out, encoding="utf-8", newline="") as fh:
        got = {r[1]: r[2:] for r in list(csv.reader(fh))[1:]}
    assert got["1"] == ['\'=HYPERLINK("https://evil.example","x")', "DE"]
    assert got["2"] == ["'+1 555 0100", "'@SUM(A1)"]
    assert got["3"] == ["'-2+3", "'\tx"]
    assert got["4"] == ["-12.5", "'\r=cmd"]  # a plain number cannot run: left as it is
    assert got["5"] == ["plain", ""]


def test_json_output_keeps_the_platform_text_exactly_and_escaped(hostile, capsys) -> None:  # type: ignore[no-untyped-def]
    """JSON is for programs: the text is kept, every control written as a JSON escape (the C1 CSI
    and bidi overrides too, which json.dumps would leave raw)."""
    main(["check", "--config", str(hostile), "--format", "json"])
    out, _ = capsys.readouterr()
    assert raw_controls(out) == []
    assert json.loads(out)["requests"][0]["title"] == f"Title {HOSTILE}"
    runtime.audit_log().append("mkto", "activate", "1001", "failed", HOSTILE)
    main(["log", "--json"])
    out, _ = capsys.readouterr()
    assert raw_controls(out) == [] and json.loads(out)["message"] == HOSTILE


async def test_drilldown_rows_from_a_file_show_no_controls(tmp_path: Path, write_config) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import DataTable

    from mopstui.tui.screens.drilldown import DrilldownScreen

    data = tmp_path / "contacts.csv"
    with open(data, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["Email", f"Country{CLEAR}"], [f"x{OSC52}@acme.com", ""], ["b@acme.com", ""]])
    config = write_config(
        f'[sources.crm]\nkind = "file"\npath = "{data}"\n'
        f'columns = {{ country = "Country\\u001b[2J" }}\nrequired_fields = ["email", "country"]\n'
    )
    app = MopsApp(load_config(config))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.main is not None and "crm:missing:country" in app.main.pane("quality").items:
                break
        await pilot.press("3")
        assert app.main.pane("quality").table.move_to("crm:missing:country")
        await pilot.press("enter")
        assert isinstance(app.screen, DrilldownScreen)
        table = app.screen.query_one(DataTable)
        for _ in range(100):
            await pilot.pause(0.05)
            if table.row_count == 2:
                break
        svg = app.export_screenshot()
    assert table.row_count == 2 and raw_controls(svg) == []
    assert "x␛]52;c;" in svg.replace("&#160;", " ")
