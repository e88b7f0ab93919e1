"""Config resolution and strict validation: each kind of bad file gives one line naming file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mopstui import paths
from mopstui.config import load_config
from mopstui.core.errors import ConfigError

GOOD = """
refresh_minutes = 2
read_only = false

[sources.demo]
kind = "demo"
latency = 0.3
seed = 11

[sources.second]
kind = "demo"
read_only = true
fail = "error"
"""


def test_a_good_config_is_read_with_its_options(write_config):
    config = load_config(write_config(GOOD))
    assert config.refresh_minutes == 2.0 and not config.is_default_demo
    assert [s.name for s in config.sources] == ["demo", "second"]
    assert config.source("demo").options.latency == 0.3
    assert config.source("demo").options.seed == 11
    assert config.source("second").read_only and config.source("second").options.fail == "error"


def test_no_file_means_the_demo_with_a_banner(config_dir):
    config = load_config(paths.config_path())
    assert config.is_default_demo and [s.kind for s in config.sources] == ["demo"]


def test_demo_flag_forces_the_demo_even_with_a_config(write_config):
    config = load_config(write_config(GOOD), demo=True)
    assert [s.name for s in config.sources] == ["demo"] and not config.is_default_demo


def test_resolution_order(write_config, tmp_path, monkeypatch):
    default = write_config(GOOD)
    assert paths.config_path() == default
    other = tmp_path / "elsewhere.toml"
    monkeypatch.setenv("MOPSTUI_CONFIG", str(other))
    assert paths.config_path() == other
    assert paths.config_path(tmp_path / "explicit.toml") == tmp_path / "explicit.toml"


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("colour = 1\n[sources.a]\nkind='demo'\n", "colour", "unknown key"),
        ("[sources.a]\nkind='demo'\nlatencyy=1\n", "sources.a.latencyy", "unknown key for kind 'demo'"),
        ("[sources.a]\nkind='demo'\nlatency='fast'\n", "sources.a.latency", "expected a number, got 'fast'"),
        ("[sources.a]\nkind='demo'\nfail='sometimes'\n", "sources.a.fail", "expected one of 'none', 'error'"),
        ("[sources.a]\nkind='pardot'\n", "sources.a.kind", "unknown kind 'pardot'"),
        ("[sources.a]\nlatency=1\n", "sources.a.kind", "missing"),
        ("refresh_minutes = 0\n[sources.a]\nkind='demo'\n", "refresh_minutes", "above 0"),
        ("read_only = 'yes'\n[sources.a]\nkind='demo'\n", "read_only", "expected true or false"),
        ("refresh_minutes = 5\n", "sources", "at least one"),
        ("[sources.a]\nkind='demo'\ncampaigns=-1\n", "sources.a", "campaigns: expected 0 or more"),
        ("[sources]\na = 3\n", "sources.a", "expected a table"),
    ],
)
def test_each_kind_of_bad_file_names_file_key_and_expectation(write_config, text, key, expected):
    path = write_config(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert expected in message
    assert "\n" not in message


def test_broken_toml_names_the_line(write_config):
    path = write_config("[sources.a]\nkind = 'demo'\nlatency = = 2\n")
    with pytest.raises(ConfigError, match=r": line 3: invalid TOML"):
        load_config(path)


def test_non_utf8_file(write_config, config_dir):
    path = config_dir / "config.toml"
    path.write_bytes(b"[sources.a]\nkind = '\xff\xfe'\n")
    with pytest.raises(ConfigError, match="expected UTF-8"):
        load_config(path)


def _run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "mopstui", *args], capture_output=True, text=True, env=env, timeout=60)


def test_cli_config_error_is_one_line_exit_2_and_leaves_the_file_alone(write_config):
    path = write_config("[sources.a]\nkind='demo'\nlatency='fast'\n")
    before = path.read_bytes()
    result = _run("--config", str(path))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.stderr
    assert f"{path}: sources.a.latency: expected a number" in result.stderr
    assert path.read_bytes() == before


def test_cli_version_and_help():
    assert _run("--version").stdout.startswith("mopstui ")
    help_text = _run("--help").stdout
    for flag in ("--demo", "--config", "--read-only", "--version"):
        assert flag in help_text


def test_config_env_var_is_used_by_the_cli(tmp_path: Path):
    bad = tmp_path / "env.toml"
    bad.write_text("nonsense = true\n")
    result = _run(env_extra={"MOPSTUI_CONFIG": str(bad)})
    assert result.returncode == 2 and str(bad) in result.stderr
