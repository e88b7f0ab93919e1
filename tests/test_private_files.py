"""Every file mopstui writes under the user's dirs (state.db and its -wal/-shm, audit.jsonl, CSV
exports, the credentials file) is mode 0600, and the folders it creates 0700, whatever the umask."""

from __future__ import annotations

import asyncio
import csv
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from mopstui import paths, runtime
from mopstui.cli import main

from fakes.scripted import Script, metric, problem, request, use_scripted_kind

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


@pytest.fixture(params=[0o022, 0o000], ids=["umask 022", "umask 000"])
def umask(request) -> Iterator[int]:  # type: ignore[no-untyped-def]
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_contacts(path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Id", "Email", "Country"])
        writer.writerows([["1", "not-an-email", "DE"], ["2", "ann@acme.com", ""]])
    return path


def test_everything_written_is_private_whatever_the_umask(
    umask, monkeypatch, tmp_path, write_config, isolated_home, capsys
) -> None:  # type: ignore[no-untyped-def]
    from mopstui.adapters.files import FileOptions, FileSource
    from mopstui.core.source import SourceContext
    from mopstui.credentials import manage

    scripts = use_scripted_kind(monkeypatch)
    scripts["mkto"] = Script(problems=[problem("1001")], requests=[request("MOPS-1")], metrics=[metric("dupes", 3)])
    config = write_config('[sources.mkto]\nkind = "scripted"\n')
    os.chmod(config, 0o600)  # (written by the test, not by mopstui)
    assert main(["check", "--config", str(config)]) in (0, 1, 2)
    runtime.audit_log().append("mkto", "activate", "1001", "ok", "activated")
    source = FileSource(
        "crm",
        FileOptions(
            path=str(write_contacts(tmp_path / "contacts.csv")), columns={"email": "Email"}, required_fields=["email"]
        ),
        SourceContext(state_dir=paths.state_dir()),
    )
    asyncio.run(source.export_rows("invalid_email", paths.export_path("crm", "invalid_email")))
    manage.save("jira", "api_token", "private-files-token", insecure=True)
    capsys.readouterr()

    state = isolated_home / "state"
    written = {p.relative_to(isolated_home): p for p in isolated_home.rglob("*") if p.is_file()}
    names = {p.name for p in written.values()}
    assert {"state.db", "audit.jsonl", "credentials.toml"} <= names
    assert any(n.startswith("crm-invalid_email-") and n.endswith(".csv") for n in names)
    assert {"state.db-wal", "state.db-shm"} & names  # WAL side files, while the store is in WAL mode
    wider = {str(rel): oct(mode(p)) for rel, p in written.items() if mode(p) & 0o077}
    assert wider == {}, f"files readable by others with umask {umask:03o}"
    for folder in (state, state / "exports", state / "duckdb-tmp"):
        assert mode(folder) == 0o700, f"{folder} with umask {umask:03o}"


def test_an_older_wider_state_file_is_tightened(umask, isolated_home) -> None:  # type: ignore[no-untyped-def]
    from mopstui.core.store import StateStore, StoreError

    state = isolated_home / "state"
    state.mkdir(mode=0o755)
    db = state / "state.db"
    StateStore(db).close()
    os.chmod(db, 0o644)  # as an earlier mopstui left it under umask 022
    StateStore(db).close()
    assert mode(db) == 0o600
    os.chmod(db, 0o444)  # made read-only on purpose: stays read-only, for the owner only
    try:
        StateStore(db).close()
    except StoreError:
        pass  # a read-only store is the store's to report; only its mode matters here
    assert mode(db) == 0o400
