"""The secrets part of `mopstui init`: the same storage path as `mopstui auth set`.

When the keyring turns out to be unusable, say so once, list the choices, and ask whether to use
the 0600 file (unless `--insecure-storage` already said yes).
"""

from __future__ import annotations

from mopstui import credentials
from mopstui.core.errors import CredentialError
from mopstui.credentials import auth_set_command, env_var_name
from mopstui.wizard.prompts import Prompter


def later_hint(source: str, field: str) -> str:
    return f"set {env_var_name(source, field)} or run `{auth_set_command(source, field)}` later"


def report_only(p: Prompter, wanted: list[tuple[str, str]]) -> list[str]:
    """Non-interactive: say where each secret resolves from; return the missing ones' messages."""
    missing = []
    for source, field in wanted:
        found = credentials.lookup(source, field)
        if found.found:
            p.say(f"  {source} {field}: from {found.origin} ({found.detail})")
        else:
            p.say(f"  {source} {field}: missing; {found.detail.split(': ', 1)[1]}")
            missing.append(found.detail)
    return missing


class SecretsSession:
    """Asks for secrets; remembers the answer about the plain-text file for the whole run."""

    def __init__(self, p: Prompter, *, insecure: bool) -> None:
        self.p = p
        self.use_file: bool | None = True if insecure else None  # None: not asked yet

    def ask(self, wanted: list[tuple[str, str]]) -> None:
        self.use_file = ask_secrets(self.p, wanted, self.use_file)


def ask_secrets(p: Prompter, wanted: list[tuple[str, str]], use_file: bool | None) -> bool | None:
    """Prompt for each secret not already resolvable (or replace it on request) and store it.
    Returns whether to use the file from now on (None while the question never came up)."""
    for source, field in wanted:
        found = credentials.lookup(source, field)
        if found.found:
            if not p.yes_no(f"{field} for {source} is already set ({found.origin}). Replace it?", False):
                continue
        if found.keyring_problem and use_file is None:
            use_file = _offer_file(p, found.keyring_problem, source, field)
        if found.keyring_problem and not use_file:
            p.say(f"  {source} {field}: not stored; {later_hint(source, field)}")
            continue
        value = p.secret(f"{field} for {source} (input hidden; Enter to skip)")
        if not value.strip():
            p.say(f"  skipped; {later_hint(source, field)}")
            continue
        try:
            outcome = credentials.save(source, field, value, insecure=bool(use_file))
        except CredentialError as exc:
            p.warn(f"  {exc}")
            continue
        for line in outcome.done:
            p.say(f"  {line}")
        for line in outcome.warnings:
            p.warn(line)
    return use_file


def _offer_file(p: Prompter, reason: str, source: str, field: str) -> bool:
    p.say()
    p.say(f"This box has no usable OS keyring ({reason}). Your choices:")
    p.say(f"  - an environment variable per secret, e.g. {env_var_name(source, field)} (nothing kept on disk)")
    p.say("  - a plain-text file, credentials.toml in the config dir, readable only by you (mode 0600)")
    p.say("  - start and unlock a keyring daemon, then run `mopstui auth set SOURCE FIELD`")
    return p.yes_no("Keep secrets in the plain-text file?", False)
