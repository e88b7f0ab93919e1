"""Storing and deleting secrets: what `auth set`, `auth delete` and `mopstui init` share."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

from mopstui.core.errors import CredentialError
from mopstui.core.redact import register_secret
from mopstui.credentials import file_store, keyring_store
from mopstui.credentials.naming import env_var_name
from mopstui.credentials.resolver import forget, keyring_alternatives, lookup


@dataclass
class Outcome:
    """What happened, in lines for the user: `done` on stdout, `warnings` on stderr."""

    where: Literal["keyring", "file", "nowhere"]
    done: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def save(source: str, field_name: str, value: str, *, insecure: bool = False) -> Outcome:
    """Store in the keyring, or in the 0600 file when `insecure`. CredentialError says why not.

    A keyring that is missing, locked or hangs raises the message listing the alternatives; the
    file is never used unless asked for.
    """
    value = value.strip("\r\n")
    if not value:
        raise CredentialError(f"empty value: nothing stored for {field_name} of source '{source}'")
    register_secret(value)
    forget(source, field_name)
    if insecure:
        path = file_store.put(source, field_name, value)
        outcome = Outcome("file", [f"stored {field_name} for source '{source}' in {path}"], [file_store.warning(path)])
    else:
        try:
            keyring_store.put(source, field_name, value)
        except keyring_store.KeyringUnavailable as exc:
            raise CredentialError(keyring_alternatives(source, field_name, exc.reason)) from None
        outcome = Outcome("keyring", [f"stored {field_name} for source '{source}' in the OS keyring"])
        # Moving to the keyring is the user leaving plain-text storage: do not leave a stale copy behind.
        if file_store.remove(source, field_name):
            outcome.done.append(f"removed the plain-text copy from {file_store.path()}")
    now = lookup(source, field_name)
    if now.value != value:
        outcome.warnings.append(
            f"note: {field_name} for source '{source}' still resolves from {now.origin} ({now.detail}), "
            "which comes first"
        )
    return outcome


def delete(source: str, field_name: str) -> Outcome:
    """Remove the secret from the keyring and from the file; the environment is the user's to change."""
    outcome = Outcome("nowhere")
    forget(source, field_name)
    try:
        if keyring_store.delete(source, field_name):
            outcome.done.append(f"deleted {field_name} for source '{source}' from the OS keyring")
    except keyring_store.KeyringUnavailable as exc:
        outcome.warnings.append(f"the OS keyring is unavailable ({exc.reason}); nothing deleted there")
    if file_store.remove(source, field_name):
        outcome.done.append(f"deleted {field_name} for source '{source}' from {file_store.path()}")
    name = env_var_name(source, field_name)
    if os.environ.get(name):
        outcome.warnings.append(f"note: {name} is still set in the environment and will be used")
    if not outcome.done:
        outcome.done.append(f"nothing stored for {field_name} of source '{source}'")
    return outcome
