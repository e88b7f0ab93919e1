"""SIGTERM and SIGHUP give the terminal back and finish the audit entry of a running action.

The real cockpit runs in a pseudo-terminal (as over SSH); the test reads every byte it writes. An
action is left running by a demo source with latency, then the signal comes.
"""

from __future__ import annotations

import json
import os
import select
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty", reason="needs a pseudo-terminal (POSIX)")
termios = pytest.importorskip("termios")
fcntl = pytest.importorskip("fcntl")

#: What a terminal needs to be itself again: main screen, no mouse reports, cursor, autowrap.
RESTORE = {
    "leave the alternate screen": b"\x1b[?1049l",
    "mouse reports off (button)": b"\x1b[?1000l",
    "mouse reports off (motion)": b"\x1b[?1003l",
    "mouse reports off (SGR)": b"\x1b[?1006l",
    "cursor shown": b"\x1b[?25h",
    "autowrap on": b"\x1b[?7h",
}
#: Seconds each simulated demo call takes: the action stays running this long.
LATENCY = 3
#: Wide margins: a loaded CI machine is slow, never this slow.
PATIENCE = 60.0


class Cockpit:
    """`mopstui` on a pseudo-terminal of 120x40, with what it wrote so far."""

    def __init__(self, home: Path) -> None:
        self.home = home
        try:
            self.master, slave = pty.openpty()
        except OSError as exc:
            pytest.skip(f"no pseudo-terminal here: {exc}")
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # rows, columns
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "COLUMNS", "LINES"))}
        env["TERM"] = "xterm-256color"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mopstui"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=home,
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()

    def read(self, seconds: float) -> None:
        """Collect output for `seconds`, or until the terminal's other end is gone."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.master is not None:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:  # EIO: the cockpit has closed its side
                    data = b""
                if not data:
                    return
                self.output.extend(data)

    def wait_for(self, what: str, check) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + PATIENCE
        while not check():
            assert self.process.poll() is None, f"mopstui ended while waiting for {what}: {bytes(self.output[-400:])!r}"
            assert time.monotonic() < end, f"no {what} after {PATIENCE:g} s"
            self.read(0.1)

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def hang_up(self) -> None:
        """The terminal goes away (a dropped SSH session closes its side)."""
        os.close(self.master)
        self.master = None  # type: ignore[assignment]

    def exit_code(self) -> int:
        try:
            return self.process.wait(timeout=PATIENCE)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            if self.master is not None:
                os.close(self.master)
                self.master = None  # type: ignore[assignment]

    def audit(self) -> list[dict]:
        path = self.home / "state" / "audit.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def cockpit(isolated_home: Path, write_config):
    write_config(f'[sources.demo]\nkind = "demo"\nlatency = {LATENCY}\n')
    running = Cockpit(isolated_home)
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def start_an_action(cockpit: Cockpit) -> None:
    """Activate the top workflow and wait until its attempt is in the audit log (still running)."""
    cockpit.wait_for("first answers", lambda: b"sources ok" in cockpit.output)
    cockpit.type(b"a")
    cockpit.wait_for("confirmation", lambda: b"Yes, do it" in cockpit.output)
    # the confirmation counts who the campaign reaches first: `y` waits for the count
    cockpit.wait_for("the audience count", lambda: b"in the database" in cockpit.output)
    cockpit.type(b"y")
    cockpit.wait_for("the attempt in the audit log", lambda: any(e["outcome"] == "attempt" for e in cockpit.audit()))


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_stop_signal_gives_the_terminal_back_and_audits_the_running_action_interrupted(cockpit, signame):
    start_an_action(cockpit)
    sent_at = len(cockpit.output)
    cockpit.process.send_signal(getattr(signal, signame))
    cockpit.read(PATIENCE)
    code = cockpit.exit_code()

    assert code == 128 + getattr(signal, signame)
    after = bytes(cockpit.output[sent_at:])
    missing = [name for name, sequence in RESTORE.items() if sequence not in after]
    assert not missing, f"not restored: {missing}"
    assert f"mopstui: stopped by {signame}; 1 action still running, see `mopstui log`".encode() in after
    entries = cockpit.audit()
    assert [e["outcome"] for e in entries] == ["attempt", "interrupted"]
    assert entries[1]["action"] == "activate" and entries[1]["target"] == entries[0]["target"]
    assert "state is unknown" in entries[1]["message"]


def test_a_dropped_ssh_session_still_ends_the_cockpit_and_audits_the_action(cockpit):
    start_an_action(cockpit)
    cockpit.hang_up()
    cockpit.process.send_signal(signal.SIGHUP)
    assert cockpit.exit_code() == 128 + signal.SIGHUP
    assert [e["outcome"] for e in cockpit.audit()] == ["attempt", "interrupted"]


def test_a_stop_signal_without_a_running_action_leaves_the_audit_log_alone(cockpit):
    cockpit.wait_for("first answers", lambda: b"sources ok" in cockpit.output)
    cockpit.process.send_signal(signal.SIGTERM)
    cockpit.read(PATIENCE)
    assert cockpit.exit_code() == 128 + signal.SIGTERM
    assert b"\x1b[?1049l" in cockpit.output
    assert b"mopstui: stopped by SIGTERM\r\n" in cockpit.output
    assert cockpit.audit() == []


async def test_the_cockpit_hands_the_signal_handlers_back_when_it_ends():
    from mopstui import paths
    from mopstui.config import load_config
    from mopstui.tui.app import MopsApp

    before = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    app = MopsApp(load_config(paths.config_path()))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert all(signal.getsignal(signum) != handler for signum, handler in before.items())
    assert {signum: signal.getsignal(signum) for signum in before} == before
