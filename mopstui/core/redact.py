"""Keep secrets out of anything that can reach the user: messages, logs, JSON, the state store."""

from __future__ import annotations

import re

_known: set[str] = set()

# query parameters and headers that carry secrets in the wild
_PATTERNS = [
    re.compile(r"(?i)((?:access_token|client_secret|token|api_key|apikey|password|secret|hapikey)=)[^&\s'\"]+"),
    re.compile(r"(?i)(authorization:\s*(?:bearer|basic)\s+)[^\s'\"]+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"(hooks\.slack\.com/services/)[^\s'\"]+"),
]


def register_secret(value: str) -> None:
    """Remember a secret so every later `redact` removes it verbatim."""
    if value and len(value) >= 4:
        _known.add(value)


def redact(text: str) -> str:
    for secret in sorted(_known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "***")
    for pattern in _PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text
