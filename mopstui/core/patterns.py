"""Shell-style name patterns (`expect_active`), matched the same way for every platform."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase


def matching_pattern(name: str, patterns: Iterable[str]) -> str | None:
    """The first pattern matching `name` (shell-style: `*`, `?`, `[...]`; case-insensitive), or None."""
    folded = name.casefold()
    for pattern in patterns:
        if fnmatchcase(folded, pattern.casefold()):
            return pattern
    return None
