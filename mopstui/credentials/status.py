"""The credential table shown by `auth status`, `config check` and the cockpit's sources view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mopstui.core.errors import CredentialError
from mopstui.credentials import file_store
from mopstui.credentials.naming import auth_set_command, env_var_name
from mopstui.credentials.resolver import NOTIFY_FIELD, NOTIFY_SOURCE, Resolution, config_secrets, lookup

if TYPE_CHECKING:
    from mopstui.config import Config

HEADERS = ("SOURCE", "FIELD", "FROM", "DETAIL")


def credential_rows(config: Config) -> list[Resolution]:
    """Each secret the config needs, where it resolves from; Slack's too when it is set anywhere,
    and anything else the credentials file holds (so nothing stored there goes unnoticed)."""
    pairs = config_secrets(config)
    rows = [lookup(s, f) for s, f in pairs]
    if (NOTIFY_SOURCE, NOTIFY_FIELD) not in pairs:
        notify = lookup(NOTIFY_SOURCE, NOTIFY_FIELD)
        if notify.found:
            rows.append(notify)
            pairs.append((NOTIFY_SOURCE, NOTIFY_FIELD))
    try:
        stored = file_store.read_all()
    except CredentialError:
        stored = {}  # an unreadable file already shows in the rows that needed it
    for source, fields in stored.items():
        rows.extend(lookup(source, f) for f in fields if (source, f) not in pairs)
    return rows


def detail(row: Resolution) -> str:
    """Where the value is, or the shortest thing to do about it."""
    if row.found:
        return row.detail
    if not row.detail.startswith(f"no {row.field} for source "):
        return row.detail  # e.g. an unreadable credentials file
    if row.keyring_problem:
        return (
            f"set {env_var_name(row.source, row.field)} or run "
            f"`{auth_set_command(row.source, row.field, insecure=True)}`"
        )
    return f"run `{auth_set_command(row.source, row.field)}`"


def table(rows: list[Resolution]) -> list[str]:
    """Aligned plain-text lines; never a value."""
    body = [(r.source, r.field, r.origin, detail(r)) for r in rows]
    widths = [max(len(str(line[i])) for line in [HEADERS, *body]) for i in range(3)]
    out = []
    for line in [HEADERS, *body]:
        out.append("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line[:3])) + "  " + line[3])
    return out


def warnings(rows: list[Resolution]) -> list[str]:
    """Plain-text storage in use or too open, and a keyring that could not be asked (once)."""
    out: list[str] = []
    if any(r.origin == "file" for r in rows) or file_store.path().exists():
        out.append(file_store.warning())
    loose = file_store.permissions_problem()
    if loose:
        out.append(loose)
    problems = sorted({r.keyring_problem for r in rows if r.keyring_problem})
    if problems:
        out.append(
            f"note: the OS keyring is unavailable ({problems[0]}): use environment variables, "
            "`mopstui auth set SOURCE FIELD --insecure-storage` (a 0600 file), or start and unlock a keyring daemon"
        )
    return out
