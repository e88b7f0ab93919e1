"""A throwaway PostgreSQL cluster for the tests: initdb in a temp dir, a Unix socket, no TCP port.

Found on PATH, else in the distribution's versioned folder (Debian's postgresql package puts the
server programs there, not on PATH). initdb refuses to run as root, so as root the cluster runs
as the `postgres` system user (the package creates it), else as `nobody`.
"""

from __future__ import annotations

import csv
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "mopstui"


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _run_as() -> str | None:
    """The user the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


@dataclass
class Cluster:
    root: Path
    user: str | None
    pg_ctl: str

    @property
    def dsn(self) -> str:
        return f"host={self.root} port=5432 user={SUPERUSER} dbname=postgres"

    def stop(self) -> None:
        subprocess.run(
            [self.pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "stop"],
            user=self.user,
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def unavailable_reason() -> str | None:
    if find_bin("initdb") is None or find_bin("pg_ctl") is None:
        return "PostgreSQL is not installed (no initdb; `.ci/run` installs the distribution's postgresql package)"
    if os.geteuid() == 0 and _run_as() is None:
        return "running as root with no unprivileged user (postgres or nobody) to run the server"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install '.[dev,postgres]')"
    return None


def start() -> Cluster:
    """initdb and start a cluster listening only on a socket in its own temp dir."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    assert initdb and pg_ctl
    user = _run_as()
    root = Path(tempfile.mkdtemp(prefix="mopstui-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    root.chmod(0o700)
    data = root / "data"
    subprocess.run(
        [initdb, "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
        user=user,
        capture_output=True,
        check=True,
        cwd=root,
    )
    options = f"-c listen_addresses='' -k {root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(
        [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
        user=user,
        capture_output=True,
        check=True,
        cwd=root,
    )
    return Cluster(root, user, pg_ctl)


def load_csv(dsn: str, table: str, path: Path) -> None:
    """`table` (replaced) with a text column per header of the CSV at `path`, loaded by COPY, analysed."""
    import psycopg

    with open(path, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    columns = ", ".join(f'"{c}" text' for c in header)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS analytics")
        conn.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        conn.execute(f"CREATE TABLE {table} ({columns})")
        with conn.cursor().copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            with open(path, "rb") as fh:
                while block := fh.read(1 << 20):
                    copy.write(block)
        conn.execute(f"ANALYZE {table}")
