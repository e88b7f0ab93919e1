"""Error types with one-line, user-facing messages. No traceback ever reaches the user."""

from __future__ import annotations


class MopstuiError(Exception):
    """Base: str(error) is one line saying what went wrong, where, and what to do."""


class ConfigError(MopstuiError):
    """The config file is unusable: names the file, the key (or line) and what was expected."""

    def __init__(self, path: str, key: str, expected: str) -> None:
        self.path, self.key, self.expected = path, key, expected
        super().__init__(f"{path}: {key}: {expected}")


class SourceError(MopstuiError):
    """A source could not be fetched or an action failed; the message is shown for that source."""


class CredentialError(SourceError):
    """A secret is missing or the keyring is unusable."""


class AuthError(SourceError):
    """The platform refused the credentials."""


class RateLimitError(SourceError):
    """Too many calls; transient, retried with backoff before it reaches the user."""


class QuotaError(SourceError):
    """A daily quota is spent: stop calling until it resets."""


class NotFoundError(SourceError):
    """The item or endpoint does not exist."""


class BadAnswerError(SourceError):
    """The platform answered with something we cannot read (non-JSON, wrong shape)."""


class UnreachableError(SourceError):
    """Network failure or timeout reaching the platform."""
