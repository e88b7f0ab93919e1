"""`mopstui auth set|status|delete` through the real argument parser; values never printed."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys

import keyring
import pytest
from keyring.backends import fail

from mopstui import adapters
from mopstui.cli import main
from mopstui.credentials import file_store

from fakes.secret_source import KIND, TARGET

SECRET = "planted-9f8e7d6c"


@pytest.fixture
def echoing_kind(monkeypatch):
    monkeypatch.setitem(adapters.BUILTIN_KINDS, KIND, TARGET)


def run(capsys, monkeypatch, argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_set_reads_stdin_when_piped_and_stores_in_keyring(capsys, monkeypatch, memory_keyring):
    code, out, err = run(capsys, monkeypatch, ["auth", "set", "jira", "api_token"], SECRET + "\n")
    assert code == 0
    assert memory_keyring.entries[("mopstui", "jira.api_token")] == SECRET
    assert "stored api_token for source 'jira' in the OS keyring" in out
    assert SECRET not in out + err


def test_set_uses_getpass_on_a_terminal(capsys, monkeypatch, memory_keyring):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    prompts = []
    monkeypatch.setattr(sys, "stdin", Tty(""))
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or SECRET)
    assert main(["auth", "set", "marketo-prod", "client_secret"]) == 0
    assert prompts == ["client_secret for source 'marketo-prod' (input hidden): "]
    assert memory_keyring.entries[("mopstui", "marketo-prod.client_secret")] == SECRET


def test_set_with_no_input_stores_nothing(capsys, monkeypatch, memory_keyring):
    code, _, err = run(capsys, monkeypatch, ["auth", "set", "jira", "api_token"], "")
    assert code == 1 and "nothing stored" in err and not memory_keyring.entries


def test_set_without_keyring_lists_the_alternatives(capsys, monkeypatch):
    keyring.set_keyring(fail.Keyring())
    code, out, err = run(capsys, monkeypatch, ["auth", "set", "marketo-prod", "client_secret"], SECRET + "\n")
    assert code == 1
    assert err.count("\n") == 2  # the "no such source" note, then the one message
    assert "MOPSTUI_MARKETO_PROD_CLIENT_SECRET" in err and "--insecure-storage" in err and "keyring daemon" in err
    assert not file_store.path().exists()
    assert SECRET not in out + err


def test_insecure_storage_writes_0600_file_and_warns_each_time(capsys, monkeypatch):
    keyring.set_keyring(fail.Keyring())
    for _ in range(2):
        code, out, err = run(
            capsys, monkeypatch, ["auth", "set", "jira", "api_token", "--insecure-storage"], SECRET + "\n"
        )
        assert code == 0 and "warning: secrets are stored in plain text" in err
    if os.name == "posix":
        assert stat.S_IMODE(file_store.path().stat().st_mode) == 0o600
    code, out, err = run(capsys, monkeypatch, ["auth", "status"])
    assert "jira" in out and "file" in out and "plain text" in err
    assert SECRET not in out + err


def test_status_table_shows_where_each_secret_comes_from(
    capsys, monkeypatch, memory_keyring, write_config, echoing_kind
):
    write_config(
        "[notify]\nmax_items = 5\n\n"
        '[sources.crm]\nkind = "vault-test"\nbase_url = "https://crm.invalid"\n\n'
        '[sources.erp]\nkind = "vault-test"\nbase_url = "https://erp.invalid"\n\n'
        '[sources.pim]\nkind = "vault-test"\nbase_url = "https://pim.invalid"\n'
    )
    monkeypatch.setenv("MOPSTUI_CRM_API_KEY", SECRET)
    memory_keyring.set_password("mopstui", "erp.api_key", SECRET + "-kr")
    code, out, err = run(capsys, monkeypatch, ["auth", "status"])
    assert code == 0
    lines = [line.split() for line in out.splitlines()]
    assert lines[0] == ["SOURCE", "FIELD", "FROM", "DETAIL"]
    rows = {(row[0], row[1]): row[2] for row in lines[1:]}
    assert rows == {
        ("crm", "api_key"): "env",
        ("erp", "api_key"): "keyring",
        ("pim", "api_key"): "missing",
        ("notify", "slack_webhook"): "missing",
    }
    assert "mopstui auth set pim api_key" in out
    assert SECRET not in out + err


def test_status_lists_notify_when_its_secret_is_set(capsys, monkeypatch):
    monkeypatch.setenv("MOPSTUI_NOTIFY_SLACK_WEBHOOK", "https://hooks.slack.com/services/T/B/" + SECRET)
    code, out, err = run(capsys, monkeypatch, ["auth", "status"])
    assert "notify" in out and "MOPSTUI_NOTIFY_SLACK_WEBHOOK" in out
    assert SECRET not in out + err


def test_status_with_a_broken_config_exits_2_in_one_line(capsys, monkeypatch, write_config):
    write_config("refresh_minutes = 'soon'\n")
    code, out, err = run(capsys, monkeypatch, ["auth", "status"])
    assert code == 2 and err.count("\n") == 1 and "refresh_minutes" in err


def test_delete_removes_everywhere(capsys, monkeypatch, memory_keyring):
    run(capsys, monkeypatch, ["auth", "set", "jira", "api_token"], SECRET + "\n")
    run(capsys, monkeypatch, ["auth", "set", "jira", "api_token", "--insecure-storage"], SECRET + "\n")
    code, out, err = run(capsys, monkeypatch, ["auth", "delete", "jira", "api_token"])
    assert code == 0 and "OS keyring" in out and "credentials.toml" in out
    assert not memory_keyring.entries and not file_store.path().exists()


def test_piped_subprocess_never_touches_a_real_keyring(tmp_path):
    """The real console script, stdin piped; the conftest points child processes at no keyring."""
    result = subprocess.run(
        [sys.executable, "-m", "mopstui", "auth", "set", "demo", "token", "--insecure-storage"],
        input=SECRET + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "plain text" in result.stderr and SECRET not in result.stdout + result.stderr
    assert file_store.get("demo", "token") == SECRET
