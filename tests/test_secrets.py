"""Secret resolution: env, keyring (with a timeout), the opt-in file; and the messages when missing."""

from __future__ import annotations

import asyncio
import os
import stat
import threading
import time

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from mopstui import credentials
from mopstui.core.errors import CredentialError
from mopstui.core.redact import redact
from mopstui.credentials import file_store, keyring_store


class HangingKeyring(KeyringBackend):
    """A keyring that waits forever for an unlock prompt nobody will answer."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        self.release.wait(30)
        return None

    set_password = delete_password = get_password  # type: ignore[assignment]


class LockedKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        from keyring.errors import KeyringLocked

        raise KeyringLocked("collection is locked")

    set_password = delete_password = get_password  # type: ignore[assignment]


def test_env_var_name_contract() -> None:
    assert credentials.env_var_name("marketo-prod", "client_secret") == "MOPSTUI_MARKETO_PROD_CLIENT_SECRET"
    assert credentials.env_var_name("my jira.eu", "api_token") == "MOPSTUI_MY_JIRA_EU_API_TOKEN"


def test_missing_secret_message_is_exact() -> None:
    with pytest.raises(CredentialError) as info:
        credentials.resolve("marketo-prod", "client_secret")
    assert str(info.value) == (
        "no client_secret for source 'marketo-prod': run `mopstui auth set marketo-prod client_secret`"
    )
    assert credentials.lookup("marketo-prod", "client_secret").origin == "missing"


def test_keyring_entry_names(memory_keyring) -> None:
    credentials.save("marketo-prod", "client_secret", "kr-secret-123")
    assert memory_keyring.entries == {("mopstui", "marketo-prod.client_secret"): "kr-secret-123"}
    found = credentials.lookup("marketo-prod", "client_secret")
    assert (found.origin, found.value) == ("keyring", "kr-secret-123")
    assert "kr-secret-123" not in repr(found)


def test_env_wins_over_keyring_and_file(monkeypatch, memory_keyring) -> None:
    memory_keyring.set_password("mopstui", "jira.api_token", "from-keyring")
    credentials.save("jira", "api_token", "from-the-file", insecure=True)
    monkeypatch.setenv("MOPSTUI_JIRA_API_TOKEN", "from-env-1")
    found = credentials.lookup("jira", "api_token")
    assert (found.origin, found.value, found.detail) == ("env", "from-env-1", "MOPSTUI_JIRA_API_TOKEN")
    monkeypatch.delenv("MOPSTUI_JIRA_API_TOKEN")
    assert credentials.lookup("jira", "api_token").origin == "keyring"
    memory_keyring.delete_password("mopstui", "jira.api_token")
    assert credentials.lookup("jira", "api_token").value == "from-the-file"


def test_resolved_secrets_are_registered_for_redaction(monkeypatch) -> None:
    monkeypatch.setenv("MOPSTUI_HUBSPOT_TOKEN", "pat-na1-planted-xyz")
    assert credentials.resolve("hubspot", "token") == "pat-na1-planted-xyz"
    assert "pat-na1-planted-xyz" not in redact("GET /x failed with pat-na1-planted-xyz")


def test_no_backend_gives_one_message_with_the_alternatives() -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(CredentialError) as info:
        credentials.resolve("marketo-prod", "client_secret")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(
        "no client_secret for source 'marketo-prod': the OS keyring is unavailable (no keyring backend found)"
    )
    assert "MOPSTUI_MARKETO_PROD_CLIENT_SECRET" in message
    assert "mopstui auth set marketo-prod client_secret --insecure-storage" in message
    assert "keyring daemon" in message
    with pytest.raises(CredentialError) as saving:
        credentials.save("marketo-prod", "client_secret", "s3cret-value")
    assert "--insecure-storage" in str(saving.value) and "s3cret-value" not in str(saving.value)


def test_locked_keyring_is_reported_not_raised() -> None:
    keyring.set_keyring(LockedKeyring())
    found = credentials.lookup("jira", "api_token")
    assert found.origin == "missing" and found.keyring_problem == "the keyring is locked"


def test_hanging_keyring_times_out_once(monkeypatch) -> None:
    backend = HangingKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setattr(keyring_store, "TIMEOUT", 0.2)
    start = time.monotonic()
    try:
        found = credentials.preresolve([("marketo-prod", "client_secret"), ("jira", "api_token")])
    finally:
        backend.release.set()
    elapsed = time.monotonic() - start
    assert elapsed < 1.5, "the second lookup must not wait again"
    assert backend.calls == 1
    assert all(r.origin == "missing" for r in found)
    assert "no answer within 0.2 s" in found[0].detail and "--insecure-storage" in found[0].detail


def test_hanging_keyring_never_blocks_the_event_loop(monkeypatch) -> None:
    backend = HangingKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setattr(keyring_store, "TIMEOUT", 0.3)
    ticks = 0

    async def main() -> None:
        nonlocal ticks

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.02)
                ticks += 1

        ticker = asyncio.create_task(tick())
        with pytest.raises(CredentialError, match="no answer within 0.3 s"):
            await credentials.resolve_async("jira", "api_token")
        ticker.cancel()

    try:
        asyncio.run(main())
    finally:
        backend.release.set()
    assert ticks >= 5


def test_file_fallback_is_0600_and_warns(capsys) -> None:
    keyring.set_keyring(fail.Keyring())
    outcome = credentials.save("marketo-prod", "client_secret", "file-secret-42", insecure=True)
    path = file_store.path()
    assert outcome.where == "file" and path.exists()
    assert any("plain text" in w for w in outcome.warnings)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    found = credentials.lookup("marketo-prod", "client_secret")
    assert (found.origin, found.value) == ("file", "file-secret-42")
    assert "file-secret-42" not in " ".join(outcome.done + outcome.warnings)


def test_file_is_not_used_without_asking(memory_keyring) -> None:
    credentials.save("jira", "api_token", "kr-only-token")
    assert not file_store.path().exists()


def test_saving_to_keyring_removes_the_plain_text_copy(memory_keyring) -> None:
    credentials.save("jira", "api_token", "old-file-token", insecure=True)
    outcome = credentials.save("jira", "api_token", "new-keyring-token")
    assert file_store.get("jira", "api_token") is None
    assert any("removed the plain-text copy" in line for line in outcome.done)


def test_a_shadowed_value_is_pointed_out(monkeypatch) -> None:
    monkeypatch.setenv("MOPSTUI_JIRA_API_TOKEN", "env-token-1")
    outcome = credentials.save("jira", "api_token", "kr-token-2")
    assert any("MOPSTUI_JIRA_API_TOKEN" in w for w in outcome.warnings)


def test_delete_removes_from_keyring_and_file(memory_keyring) -> None:
    memory_keyring.set_password("mopstui", "jira.api_token", "kr-token")
    credentials.save("jira", "api_token", "file-token", insecure=True)
    outcome = credentials.delete("jira", "api_token")
    assert len(outcome.done) == 2
    assert credentials.lookup("jira", "api_token").origin == "missing"
    assert not file_store.path().exists()
    assert credentials.delete("jira", "api_token").done == ["nothing stored for api_token of source 'jira'"]


def test_resolve_answers_from_the_preresolved_cache(memory_keyring) -> None:
    memory_keyring.set_password("mopstui", "jira.api_token", "cached-token")
    credentials.preresolve([("jira", "api_token")])
    keyring.set_keyring(HangingKeyring())  # any keyring call now would hang
    start = time.monotonic()
    assert credentials.resolve("jira", "api_token") == "cached-token"
    assert time.monotonic() - start < 0.1


def test_a_missing_secret_is_rechecked_cheaply(monkeypatch) -> None:
    credentials.preresolve([("jira", "api_token")])
    monkeypatch.setenv("MOPSTUI_JIRA_API_TOKEN", "arrived-later")
    assert credentials.resolve("jira", "api_token") == "arrived-later"


def test_unreadable_credentials_file_never_echoes_its_content() -> None:
    path = file_store.path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('["jira"]\napi_token = "half-written-secret\n', encoding="utf-8")
    found = credentials.lookup("jira", "api_token")
    assert found.origin == "missing" and "not valid TOML" in found.detail
    assert "half-written-secret" not in found.detail
