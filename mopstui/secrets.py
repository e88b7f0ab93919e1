"""Secret resolution, kept here for the callers that import it: see `mopstui.credentials`.

Environment `MOPSTUI_<SOURCE>_<FIELD>`, then the OS keyring (off the event loop, with a timeout),
then the opt-in `credentials.toml`. Every secret resolved is registered for redaction.
"""

from __future__ import annotations

from mopstui.credentials import (
    Resolution,
    env_var_name,
    lookup,
    preresolve,
    preresolve_async,
    resolve,
    resolve_async,
)

__all__ = ["Resolution", "env_var_name", "lookup", "preresolve", "preresolve_async", "resolve", "resolve_async"]
