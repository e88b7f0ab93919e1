"""`mopstui config check` and `mopstui config path`."""

from __future__ import annotations

import io
import sys

import pytest

from mopstui import adapters
from mopstui.cli import main

from fakes.secret_source import KIND, TARGET


@pytest.fixture(autouse=True)
def echoing_kind(monkeypatch):
    monkeypatch.setitem(adapters.BUILTIN_KINDS, KIND, TARGET)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


GOOD = '[sources.crm]\nkind = "vault-test"\nbase_url = "https://crm.invalid"\n\n[sources.demo]\nkind = "demo"\n'


def test_path_prints_the_default_location(capsys, config_dir):
    assert main(["config", "path"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(config_dir / "config.toml")
    assert "mopstui init" in err


def test_path_follows_flag_and_env(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("MOPSTUI_CONFIG", str(tmp_path / "env.toml"))
    main(["config", "path"])
    assert capsys.readouterr().out.strip() == str(tmp_path / "env.toml")
    main(["config", "path", "--config", str(tmp_path / "flag.toml")])
    assert capsys.readouterr().out.strip() == str(tmp_path / "flag.toml")


def test_check_ok_lists_sources_and_credentials(capsys, monkeypatch, write_config):
    path = write_config(GOOD)
    monkeypatch.setenv("MOPSTUI_CRM_API_KEY", "crm-key-1234")
    assert main(["config", "check"]) == 0
    out, err = capsys.readouterr()
    assert f"config: {path}" in out
    assert "crm" in out and "vault-test" in out and "demo" in out
    assert "MOPSTUI_CRM_API_KEY" in out and "env" in out
    assert out.rstrip().endswith("ok")
    assert "crm-key-1234" not in out + err


def test_check_missing_secret_exits_2_with_the_exact_message(capsys, write_config):
    write_config(GOOD)
    assert main(["config", "check"]) == 2
    out, err = capsys.readouterr()
    assert "no api_key for source 'crm': run `mopstui auth set crm api_key`" in err


def test_check_bad_config_exits_2_in_one_line(capsys, write_config):
    path = write_config('[sources.crm]\nkind = "vault-test"\nbase_url = "x"\nretries = "two"\n')
    assert main(["config", "check"]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and str(path) in err and "sources.crm.retries" in err and "Traceback" not in err


def test_check_without_a_file_exits_2(capsys):
    assert main(["config", "check"]) == 2
    assert "mopstui init" in capsys.readouterr().err
