"""A name not taken yet: `base`, else `base` numbered from 2 (`kind-2`, `rule #2`)."""

from __future__ import annotations

from collections.abc import Container


def numbered(base: str, taken: Container[str], form: str = "{base}-{n}") -> str:
    """`base` if it is not in `taken`, else the first of `form` with n = 2, 3... that is not."""
    name, n = base, 1
    while name in taken:
        n += 1
        name = form.format(base=base, n=n)
    return name
