"""Names a secret goes by: its environment variable and its keyring entry."""

from __future__ import annotations

import re

#: The keyring service every mopstui secret is stored under.
SERVICE = "mopstui"


def env_var_name(source: str, field: str) -> str:
    """`MOPSTUI_<SOURCE>_<FIELD>`: upper-case, every non-alphanumeric as `_`."""
    return "MOPSTUI_" + re.sub(r"[^A-Za-z0-9]", "_", f"{source}_{field}").upper()


def keyring_username(source: str, field: str) -> str:
    """`<source>.<field>`: the username of the secret's keyring entry."""
    return f"{source}.{field}"


def auth_set_command(source: str, field: str, *, insecure: bool = False) -> str:
    """The command that stores this secret, as the user would type it."""
    flag = " --insecure-storage" if insecure else ""
    return f"mopstui auth set {_quote(source)} {_quote(field)}{flag}"


def _quote(word: str) -> str:
    # Source names are TOML keys and may hold spaces; quote only when the shell would need it.
    return word if re.fullmatch(r"[A-Za-z0-9._@%+=:,/-]+", word) else "'" + word.replace("'", "'\\''") + "'"
