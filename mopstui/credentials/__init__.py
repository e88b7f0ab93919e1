"""Secrets: resolved from the environment, the OS keyring, or an opt-in 0600 file, never the config.

Order: `MOPSTUI_<SOURCE>_<FIELD>`, then the keyring (service `mopstui`, user `<source>.<field>`),
then `credentials.toml` in the config dir (written only with `--insecure-storage`).

Design for the event loop: keyring calls run in a daemon thread with a timeout (`keyring_store`).
`preresolve` looks up every declared secret before the cockpit's loop starts (or via
`preresolve_async` from inside it), filling a per-process cache; `SourceContext.secret` then calls
`resolve`, which answers from that cache without waiting. Every value found is registered for
redaction.
"""

from mopstui.credentials.keyring_store import KeyringUnavailable
from mopstui.credentials.manage import Outcome, delete, save
from mopstui.credentials.naming import SERVICE, auth_set_command, env_var_name, keyring_username
from mopstui.credentials.resolver import (
    NOTIFY_FIELD,
    NOTIFY_SOURCE,
    Resolution,
    cached,
    config_secrets,
    forget,
    keyring_alternatives,
    lookup,
    missing_message,
    preresolve,
    preresolve_async,
    resolve,
    resolve_async,
)

__all__ = [
    "NOTIFY_FIELD",
    "NOTIFY_SOURCE",
    "SERVICE",
    "KeyringUnavailable",
    "Outcome",
    "Resolution",
    "auth_set_command",
    "cached",
    "config_secrets",
    "delete",
    "env_var_name",
    "forget",
    "keyring_alternatives",
    "keyring_username",
    "lookup",
    "missing_message",
    "preresolve",
    "preresolve_async",
    "resolve",
    "resolve_async",
    "save",
]
