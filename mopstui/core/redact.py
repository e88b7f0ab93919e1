"""Keep secrets out of anything that can reach the user: messages, logs, JSON, the state store.

A secret travels in more forms than its own: URL-encoded in a query, base64 in a header, inside
the `Authorization` value we build (`Basic base64(email:token)`), or, for a webhook URL, as its
path alone. Registering a secret registers each of those forms.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from urllib.parse import quote, quote_plus, urlsplit

#: Every form of every secret registered; the forms of each secret as it was registered; the
#: Authorization values seen.
_known: set[str] = set()
_forms_of: dict[str, list[str]] = {}
_headers: set[str] = set()
#: `_known` longest first (a long form is replaced before a shorter one inside it), and the forms
#: worth scanning data for (none inside another); None once `_known` changed.
_longest_first: list[str] | None = None
_needles: list[str] | None = None

#: Forms shorter than this are not registered: they would blank out ordinary words.
MIN_FORM = 6
#: A webhook URL's path (or its last segment) is its secret part; shorter ones are ordinary paths.
MIN_URL_PART = 8

# query parameters and headers that carry secrets in the wild
_SECRET_SHAPES = (
    r"(?i)((?:access_token|client_secret|token|api_key|apikey|password|secret|hapikey)=)[^&\s'\"]+",
    # `Authorization: Basic x`, also quoted (`"Authorization": "Basic x"`) or as `authorization=...`
    r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|token)\s+)[^\s'\"]+",
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}",
    r"(hooks\.slack\.com/services/)[^\s'\"]+",
)


@cache
def _patterns() -> list[re.Pattern[str]]:
    """Compiled at the first redaction, not at start-up: the first paint never needs them."""
    return [re.compile(shape) for shape in _SECRET_SHAPES]


def register_secret(value: str) -> None:
    """Remember a secret so every later `redact` removes it, in each form it can travel in."""
    if not value or len(value) < 4 or value in _forms_of:
        return
    forms = _forms_of[value] = [value, *(form for form in _derived(value) if len(form) >= MIN_FORM)]
    _remember(*forms)


def forget_secret(value: str) -> None:
    """Stop looking for a secret that can no longer be used (an access token its successor
    replaced), so a long session does not scan for every token of every hour."""
    global _known, _longest_first, _needles
    if _forms_of.pop(value, None) is not None:
        _known = {form for forms in _forms_of.values() for form in forms}  # swapped whole: no empty moment
        _longest_first = _needles = None


def register_authorization(header: str) -> None:
    """Remember the credential of an `Authorization` value we sent (`Basic x`, `Bearer x`)."""
    if header and header not in _headers:
        _headers.add(header)
        scheme, _, credential = header.strip().partition(" ")
        register_secret(credential.strip() or scheme)


def _derived(value: str) -> list[str]:
    """The forms `value` may take on its way: URL-encoded, base64 (both alphabets), a URL's path."""
    raw = value.encode("utf-8", "surrogatepass")
    encoded = [base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()]
    # with and without the padding (JWTs and URLs drop it); scans look for the shorter one only
    forms = [quote(raw, safe=""), quote_plus(raw), *encoded, *(e.rstrip("=") for e in encoded)]
    parts = urlsplit(value) if "://" in value else None
    if parts is not None and parts.netloc:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        forms += [p for p in (path, parts.path.rstrip("/").rsplit("/", 1)[-1]) if len(p) >= MIN_URL_PART]
    return forms


def _remember(*forms: str) -> None:
    global _longest_first, _needles
    new = set(forms) - _known
    if new:
        _known.update(new)
        _longest_first = _needles = None


def _by_length() -> list[str]:
    global _longest_first
    if _longest_first is None:
        _longest_first = sorted(_known, key=len, reverse=True)
    return _longest_first


def needles() -> list[str]:
    """The fewest forms whose absence from a text proves no registered form is in it."""
    global _needles
    if _needles is None:
        kept: list[str] = []
        for form in sorted(_known, key=len):
            if not any(shorter in form for shorter in kept):
                kept.append(form)
        _needles = kept
    return _needles


def has_secrets() -> bool:
    return bool(_known)


def any_secret_in(text: str) -> bool:
    """Whether `text` holds a registered form of a secret (False at once when none is registered)."""
    return bool(_known) and any(needle in text for needle in needles())


def redact_known(text: str) -> str:
    """`text` with every registered form of a secret replaced by ***; for platform data, where the
    shapes `redact` also looks for ("Bearer of bad news ...") may be ordinary words."""
    for secret in _by_length():
        if secret in text:
            text = text.replace(secret, "***")
    return text


def redact(text: str) -> str:
    """A message without secrets: every registered form, and anything shaped like a credential."""
    if _known:
        text = redact_known(text)
    for pattern in _patterns():
        text = pattern.sub(r"\1***", text)
    return text
