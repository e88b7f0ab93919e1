"""Limits in the config are limits: no nan, infinity, zero or negative refresh or timeout, demo sizes
with an upper bound, and configs nested thousands deep, too big or out of reach are one line and
exit 2 (3 for `check`), never a traceback."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
from pathlib import Path

import pytest

from mopstui.cli import main
from mopstui.config import load_config
from mopstui.core.errors import ConfigError

DEMO = "[sources.demo]\nkind = 'demo'\n"


@pytest.fixture(autouse=True)
def no_cockpit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A config these tests expect refused must never start the cockpit (it would wait for keys)."""
    from mopstui.tui.app import MopsApp

    def refuse(self: MopsApp, *args: object, **kw: object) -> None:
        raise AssertionError("the cockpit started on a config that should have been refused")

    monkeypatch.setattr(MopsApp, "run", refuse)


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path, given_by="--config")
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


@pytest.mark.parametrize("value", ["nan", "+nan", "-nan", "inf", "+inf", "-inf", "0", "0.0", "-5", "-0.5", "1e300"])
@pytest.mark.parametrize("key", ["refresh_minutes", "timeout_seconds", "sources.demo.timeout_seconds"])
def test_refresh_and_timeouts_take_only_a_sane_positive_number(write_config, key: str, value: str) -> None:
    if key.startswith("sources."):
        text = f"{DEMO}timeout_seconds = {value}\n"
    else:
        text = f"{key} = {value}\n{DEMO}"
    message = config_error(write_config(text))
    assert f": {key}: expected" in message


def test_a_nan_refresh_is_refused_by_the_cockpit_and_by_check(write_config, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(f"refresh_minutes = nan\n{DEMO}")
    assert main(["--config", str(path)]) == 2
    assert main(["check", "--config", str(path)]) == 3
    _, err = capsys.readouterr()
    assert err.count("\n") == 2 and err.count("refresh_minutes: expected a finite number, got nan") == 2


def test_every_float_setting_refuses_nan_and_infinity(write_config) -> None:
    assert "latency: expected a finite number, got nan" in config_error(write_config(f"{DEMO}latency = nan\n"))
    jira = (
        "[sources.j]\nkind = 'jira'\nbase_url = 'https://acme.atlassian.net'\nemail = 'a@b.c'\njql = 'x'\n"
        "sla_hours = { Highest = inf }\n"
    )
    assert "sla_hours.Highest: expected a finite number, got inf" in config_error(write_config(jira))


def test_good_limits_still_load(write_config) -> None:
    config = load_config(write_config(f"refresh_minutes = 0.5\ntimeout_seconds = 3600\n{DEMO}timeout_seconds = 1\n"))
    assert config.refresh_minutes == 0.5 and config.timeout_seconds == 3600
    assert config.source("demo").timeout_seconds == 1


@pytest.mark.parametrize(
    "key, value, most",
    [
        ("campaigns", 100_001, "100,000"),
        ("requests", 10**12, "200,000"),
        ("contacts", 200_001, "200,000"),
        ("latency", 61, "60"),
    ],
)
def test_demo_sizes_and_latency_have_an_upper_bound(write_config, key: str, value: int, most: str) -> None:
    message = config_error(write_config(f"{DEMO}{key} = {value}\n"))
    assert f"{key}: expected 0 or more" in message and f"at most {most}" in message


# -- configs that are not configs ------------------------------------------------------------------
DEEP = 5000


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * DEEP + "]" * DEEP + "\n",
        "x = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n",
        "theme." + ".".join(["a"] * DEEP) + " = 1\n" + DEMO,
        DEMO + "seed." + ".".join(["a"] * DEEP) + " = 1\n",
        "[" + ".".join(["a"] * DEEP) + "]\n",
    ],
    ids=["lists", "inline-tables", "dotted-key", "dotted-source-key", "table-header"],
)
def test_a_config_nested_thousands_deep_is_one_line(
    write_config, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = write_config(text)
    assert main(["check", "--config", str(path)]) == 3
    assert main(["--config", str(path)]) == 2
    assert main(["config", "check", "--config", str(path)]) == 2
    _, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 3 and all("nested too deeply" in line and len(line) < 300 for line in lines), err


def test_an_endless_pipe_or_a_huge_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (2 << 20) + "\n")
    assert main(["check", "--config", str(big)]) == 3
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)
    pid = os.fork()
    if pid == 0:  # the writer: 8 MB of comments, far more than a config (or until the reader stops)
        try:
            with open(fifo, "wb") as fh:
                for _ in range(80):
                    fh.write(b"# endless\n" * 10_000)
        finally:
            os._exit(0)
    try:
        assert main(["--config", str(fifo)]) == 2
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    _, err = capsys.readouterr()
    assert err.count("\n") == 2 and err.count("larger than 1 MB") == 2


def test_a_value_in_a_message_is_cut_short(write_config) -> None:
    message = config_error(write_config(f"theme = [{', '.join(['1'] * 5000)}]\n{DEMO}"))
    assert "theme: expected a string, got [1, 1, 1, 1, 1, 1, ...]" in message


@pytest.fixture
def unenterable(monkeypatch: pytest.MonkeyPatch, config_dir: Path) -> Path:
    """The config dir cannot be entered (tests run as root, so the refusal is simulated)."""
    (config_dir / "config.toml").write_text(DEMO)
    real = Path.stat

    def stat(self: Path, *args: object, **kw: object) -> os.stat_result:
        if self.parent == config_dir:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", stat)
    return config_dir / "config.toml"


@pytest.mark.parametrize(
    "argv, code",
    [
        ([], 2),
        (["check"], 3),
        (["config", "check"], 2),
        (["config", "path"], 2),
        (["auth", "status"], 2),
        (["init", "--non-interactive", "--source", "demo"], 2),
    ],
)
def test_a_config_in_a_folder_the_user_cannot_enter_is_one_line(
    unenterable: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
) -> None:
    assert main(argv) == code
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Permission denied" in err and str(unenterable) in err, err


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[notify]\nmax_items = -3\n" + DEMO, "notify.max_items: expected 0 to 100 items, got -3"),
        ("[notify]\nmax_items = 1000000\n" + DEMO, "notify.max_items: expected 0 to 100 items, got 1000000"),
        (
            "[sources.f]\nkind = 'file'\npath = 'c.csv'\nstale_after_days = 1000000000000000000000000000000\n",
            "stale_after_days: expected 1 or more days and at most 36500",
        ),
    ],
)
def test_whole_numbers_that_would_overflow_or_flood_are_refused(write_config, text: str, expected: str) -> None:
    assert expected in config_error(write_config(text))
