"""Secret resolution: environment variable first (MOPSTUI_<SOURCE>_<FIELD>).

The keyring and the opt-in credentials file come with the credentials work; every secret resolved
is registered for redaction.
"""

from __future__ import annotations

import os
import re

from mopstui.core.errors import CredentialError
from mopstui.core.redact import register_secret


def env_var_name(source: str, field: str) -> str:
    """`MOPSTUI_<SOURCE>_<FIELD>`: upper-case, every non-alphanumeric as `_`."""
    return "MOPSTUI_" + re.sub(r"[^A-Za-z0-9]", "_", f"{source}_{field}").upper()


def resolve(source: str, field: str) -> str:
    value = os.environ.get(env_var_name(source, field))
    if value:
        register_secret(value)
        return value
    raise CredentialError(f"no {field} for source '{source}': run `mopstui auth set {source} {field}`")
