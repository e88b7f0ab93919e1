"""Keep secrets out of anything that can reach the user: messages, logs, JSON, the state store."""

from __future__ import annotations

import re
from functools import cache

_known: set[str] = set()

# query parameters and headers that carry secrets in the wild
_SECRET_SHAPES = (
    r"(?i)((?:access_token|client_secret|token|api_key|apikey|password|secret|hapikey)=)[^&\s'\"]+",
    r"(?i)(authorization:\s*(?:bearer|basic)\s+)[^\s'\"]+",
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}",
    r"(hooks\.slack\.com/services/)[^\s'\"]+",
)


@cache
def _patterns() -> list[re.Pattern[str]]:
    """Compiled at the first redaction, not at start-up (a millisecond the first paint never needs)."""
    return [re.compile(shape) for shape in _SECRET_SHAPES]


def register_secret(value: str) -> None:
    """Remember a secret so every later `redact` removes it verbatim."""
    if value and len(value) >= 4:
        _known.add(value)


def redact(text: str) -> str:
    for secret in sorted(_known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "***")
    for pattern in _patterns():
        text = pattern.sub(r"\1***", text)
    return text
