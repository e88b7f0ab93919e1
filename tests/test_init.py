"""`mopstui init`: the wizard driven through stdin, the flags for scripted set-up, backups."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import tomllib

import keyring
import pytest
from keyring.backends import fail

from mopstui import adapters
from mopstui.cli import main
from mopstui.credentials import file_store

from fakes.secret_source import KIND, TARGET

SECRET = "planted-init-5e5e5e"


@pytest.fixture(autouse=True)
def echoing_kind(monkeypatch):
    monkeypatch.setitem(adapters.BUILTIN_KINDS, KIND, TARGET)


def wizard(capsys, monkeypatch, answers: list[str], *flags: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(a + "\n" for a in answers)))
    code = main(["init", *flags])
    out, err = capsys.readouterr()
    return code, out, err


def read(path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_wizard_writes_config_stores_secret_and_tests_connections(capsys, monkeypatch, config_dir, memory_keyring):
    answers = [
        "vault-test,demo",  # platforms
        "crm",  # name
        "https://crm.invalid",  # base_url (required)
        "three",
        "3",  # retries: a wrong answer is asked again
        "",  # demo: name
        "",
        "",
        "",
        "",
        "",
        "",  # demo settings: defaults
        SECRET,  # crm api_key
        "n",  # no Slack
    ]
    code, out, err = wizard(capsys, monkeypatch, answers)
    config = read(config_dir / "config.toml")
    assert config["sources"] == {
        "crm": {"kind": "vault-test", "base_url": "https://crm.invalid", "retries": 3},
        "demo": {"kind": "demo"},
    }
    assert memory_keyring.entries[("mopstui", "crm.api_key")] == SECRET
    assert "expected a whole number" in out
    assert "ok      demo" in out and "FAILED  crm" in out  # the echoing source is refused
    assert code == 1
    assert SECRET not in out + err + (config_dir / "config.toml").read_text()


def test_wizard_on_a_box_without_keyring_offers_the_file(capsys, monkeypatch, config_dir):
    keyring.set_keyring(fail.Keyring())
    answers = ["vault-test", "crm", "https://crm.invalid", "", "y", SECRET, "n"]
    code, out, err = wizard(capsys, monkeypatch, answers, "--no-check")
    assert code == 0
    assert "This box has no usable OS keyring (no keyring backend found)" in out
    assert "MOPSTUI_CRM_API_KEY" in out and "mode 0600" in out and "keyring daemon" in out
    assert "plain text" in err
    assert file_store.get("crm", "api_key") == SECRET
    if os.name == "posix":
        assert stat.S_IMODE(file_store.path().stat().st_mode) == 0o600


def test_wizard_declining_the_file_stores_nothing_and_says_what_to_do(capsys, monkeypatch):
    keyring.set_keyring(fail.Keyring())
    code, out, err = wizard(capsys, monkeypatch, ["vault-test", "crm", "https://x.invalid", "", "n", "n"], "--no-check")
    assert code == 0 and not file_store.path().exists()
    assert "set MOPSTUI_CRM_API_KEY or run `mopstui auth set crm api_key` later" in out


def test_wizard_reasks_when_the_kind_rejects_a_value(capsys, monkeypatch, config_dir):
    # seed, latency (refused as typed, then asked again), fail, campaigns, requests, contacts
    answers = ["demo", "", "", "-1", "0", "", "", "", "", "n"]
    code, out, err = wizard(capsys, monkeypatch, answers, "--no-check")
    assert code == 0, out + err
    assert "    expected 0 or more seconds and at most 60, got -1.0\n" in out
    assert read(config_dir / "config.toml")["sources"]["demo"] == {"kind": "demo"}


def test_existing_config_is_kept_when_the_user_quits(capsys, monkeypatch, write_config):
    path = write_config('# mine\n[sources.demo]\nkind = "demo"\n')
    code, out, err = wizard(capsys, monkeypatch, [""])
    assert code == 1 and path.read_text() == '# mine\n[sources.demo]\nkind = "demo"\n'
    assert list(path.parent.iterdir()) == [path]


def test_replacing_keeps_a_backup(capsys, monkeypatch, write_config):
    original = '# mine\n[sources.old]\nkind = "demo"\n'
    path = write_config(original)
    code, out, err = wizard(capsys, monkeypatch, ["replace", "demo", "new", "", "", "", "", "", "", "n"], "--no-check")
    assert code == 0
    backups = [p for p in path.parent.iterdir() if p.name.startswith("config.toml.bak-")]
    assert len(backups) == 1 and backups[0].read_text() == original
    assert list(read(path)["sources"]) == ["new"]
    assert str(backups[0]) in out


def test_adding_keeps_the_other_sources_and_settings(capsys, monkeypatch, write_config):
    path = write_config('refresh_minutes = 2\n[sources.demo]\nkind = "demo"\nseed = 3\n')
    code, out, err = wizard(capsys, monkeypatch, ["add", "demo", "", "", "", "", "", "", "", "n"], "--no-check")
    assert code == 0
    data = read(path)
    assert data["refresh_minutes"] == 2
    assert data["sources"] == {"demo": {"kind": "demo", "seed": 3}, "demo-2": {"kind": "demo"}}


def test_end_of_input_writes_nothing(capsys, monkeypatch, config_dir):
    code, out, err = wizard(capsys, monkeypatch, ["vault-test", "crm"])
    assert code == 1 and "nothing more was written" in err
    assert not (config_dir / "config.toml").exists()


def test_non_interactive_flags(capsys, monkeypatch, config_dir):
    monkeypatch.setenv("MOPSTUI_CRM_API_KEY", SECRET)
    code, out, err = wizard(
        capsys,
        monkeypatch,
        [],
        "--non-interactive",
        "--source",
        "crm:vault-test",
        "--set",
        "crm.base_url=https://crm.invalid",
        "--set",
        "crm.retries=5",
        "--source",
        "demo",
        "--set",
        "demo.latency=0.1",
        "--set",
        "demo.read_only=yes",
    )
    assert read(config_dir / "config.toml")["sources"] == {
        "crm": {"kind": "vault-test", "base_url": "https://crm.invalid", "retries": 5},
        "demo": {"kind": "demo", "latency": 0.1, "read_only": True},
    }
    assert "crm api_key: from env (MOPSTUI_CRM_API_KEY)" in out
    assert "ok      demo" in out and "FAILED  crm" in out and code == 1
    assert SECRET not in out + err


def test_non_interactive_reports_missing_secrets_with_the_command(capsys, monkeypatch):
    code, out, err = wizard(
        capsys,
        monkeypatch,
        [],
        "--non-interactive",
        "--source",
        "crm:vault-test",
        "--set",
        "base_url=https://crm.invalid",
        "--no-check",
    )
    assert code == 0
    assert "crm api_key: missing; run `mopstui auth set crm api_key`" in out


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--source", "crm:vault-test"], "needs --set crm.base_url=VALUE"),
        (["--source", "crm:nope"], "kind 'nope': unknown"),
        (
            ["--source", "crm:vault-test", "--set", "crm.retries=many"],
            "--set crm.retries=many: retries: expected a whole number",
        ),
        (["--source", "crm:vault-test", "--set", "crm.colour=red"], "unknown setting 'colour'"),
        (["--source", "bad name:demo"], "source name 'bad name'"),
        ([], "needs at least one --source"),
    ],
)
def test_non_interactive_bad_flags_exit_2_in_one_line(capsys, monkeypatch, config_dir, flags, expected):
    code, out, err = wizard(capsys, monkeypatch, [], "--non-interactive", *flags)
    assert code == 2 and expected in err and err.count("\n") == 1
    assert not (config_dir / "config.toml").exists()


def test_non_interactive_never_overwrites_without_a_flag(capsys, monkeypatch, write_config):
    path = write_config('[sources.demo]\nkind = "demo"\n')
    code, out, err = wizard(capsys, monkeypatch, [], "--non-interactive", "--source", "demo-2:demo")
    assert code == 2 and "--add" in err and "--force" in err
    assert path.read_text() == '[sources.demo]\nkind = "demo"\n'
    code, out, err = wizard(
        capsys, monkeypatch, [], "--non-interactive", "--force", "--source", "demo-2:demo", "--no-check"
    )
    assert code == 0 and list(read(path)["sources"]) == ["demo-2"]
    assert any(p.name.startswith("config.toml.bak-") for p in path.parent.iterdir())


def test_wizard_over_a_real_pipe(config_dir):
    """The console entry point with its stdin piped, as over SSH from a script."""
    answers = "demo\n\n\n\n\n\n\n\nn\n"
    result = subprocess.run(
        [sys.executable, "-m", "mopstui", "init"], input=answers, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok      demo" in result.stdout and "All 1 sources work" in result.stdout
    assert read(config_dir / "config.toml")["sources"] == {"demo": {"kind": "demo"}}


def test_wizard_offers_sensible_suggestions_for_jira_and_marketo(capsys, monkeypatch, config_dir, memory_keyring):
    answers = [
        "jira,marketo",
        "requests",
        "https://acme.atlassian.net",
        "ops@acme.com",
        "",  # jql: accept the suggested query
        "",
        "",
        "",  # transitions, SLA: defaults
        "marketo-prod",
        "https://123-ABC-456.mktorest.com",
        "client-1",
        "",  # expect_active: accept the suggested patterns
        "",
        "",
        "",
        "",
        "",  # definition_reads: the default
        "",
        "",  # database_size, database_smart_list_id: unknown
        "",
        "",
        "",  # quality_export, export_since, required_fields: defaults
        "token-1",
        "secret-1",  # the two secrets
        "n",
    ]
    wizard(capsys, monkeypatch, answers, "--no-check")
    sources = read(config_dir / "config.toml")["sources"]
    assert sources["requests"]["jql"].startswith("project = MOPS AND statusCategory != Done")
    assert sources["marketo-prod"]["expect_active"] == ["*Lead Routing*", "Scoring - *"]


def test_a_base_url_without_a_scheme_is_refused_as_it_is_typed(capsys, monkeypatch, config_dir, memory_keyring):
    answers = [
        "jira",
        "jira",
        "acme.atlassian.net",  # no scheme: refused at once
        "https://acme.atlassian.net",
        "me@acme.com",
        "",
        "",
        "",
        "",
        "token-1",
        "n",
    ]
    code, out, err = wizard(capsys, monkeypatch, answers, "--no-check")
    assert code == 0, out + err
    refused = out.index("expected the site address like https://acme.atlassian.net, got 'acme.atlassian.net'")
    assert refused < out.index("  email (")  # before the next question, not after the whole source
    assert "let's try again" not in out
    assert read(config_dir / "config.toml")["sources"]["jira"]["base_url"] == "https://acme.atlassian.net"
