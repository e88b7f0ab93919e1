"""The credential table shown by `auth status`, `config check` and the cockpit's sources view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mopstui.credentials import file_store
from mopstui.credentials.resolver import NOTIFY_FIELD, NOTIFY_SOURCE, Resolution, config_secrets, lookup

if TYPE_CHECKING:
    from mopstui.config import Config

HEADERS = ("SOURCE", "FIELD", "FROM", "DETAIL")


def credential_rows(config: Config) -> list[Resolution]:
    """Each secret the config needs, where it resolves from; Slack's too when it is set anywhere."""
    pairs = config_secrets(config)
    rows = [lookup(s, f) for s, f in pairs]
    if (NOTIFY_SOURCE, NOTIFY_FIELD) not in pairs:
        notify = lookup(NOTIFY_SOURCE, NOTIFY_FIELD)
        if notify.found:
            rows.append(notify)
    return rows


def table(rows: list[Resolution]) -> list[str]:
    """Aligned plain-text lines; never a value."""
    body = [(r.source, r.field, r.origin, r.detail) for r in rows]
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
    problems = {r.keyring_problem for r in rows if r.keyring_problem}
    if problems and not any(r.origin == "missing" for r in rows):
        # Missing rows already carry the full message with the alternatives.
        out.append(f"note: the OS keyring is unavailable ({sorted(problems)[0]})")
    return out
