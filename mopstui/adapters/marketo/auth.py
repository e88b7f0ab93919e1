"""Marketo access tokens: fetched from the identity endpoint, renewed shortly before expiry.

Marketo answers a token request made before expiry with the *same* token and its remaining life,
so renewing early cannot buy a fresh hour: when that happens we keep the token until it really
expires and let the 601/602 path (re-authenticate once, retry) cover the last seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from mopstui.adapters.http import HttpClient
from mopstui.core.errors import AuthError, BadAnswerError
from mopstui.core.redact import forget_secret, register_secret

#: Renew this many seconds before the token's announced expiry.
RENEW_MARGIN = 60.0


class TokenKeeper:
    """Holds one source's token; `token()` returns a usable one, asking the identity endpoint if needed."""

    def __init__(
        self,
        http: HttpClient,
        client_id: str,
        client_secret: Callable[[], str],
        clock: Callable[[], float],
        auth_hint: str,
    ) -> None:
        self._http = http
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._auth_hint = auth_hint
        self._token = ""
        self._expires_at = 0.0
        self._renew_at = 0.0
        self._lock = asyncio.Lock()
        #: How many tokens the identity endpoint has issued us (a new one means a new hour).
        self.generation = 0

    @property
    def current(self) -> str:
        return self._token

    def invalidate(self) -> None:
        """Forget the token (after a 601/602) so the next `token()` asks for one."""
        self._token = ""
        self._renew_at = 0.0

    async def token(self) -> str:
        async with self._lock:  # concurrent calls share one identity request
            if not self._token or self._clock() >= self._renew_at:
                await self._fetch()
            return self._token

    async def _fetch(self) -> None:
        secret = self._client_secret()
        data: Any = await self._http.get(
            "/identity/oauth/token",
            params={"grant_type": "client_credentials", "client_id": self._client_id, "client_secret": secret},
            use_hook=False,
        )
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            reason = data.get("error_description") or data.get("error") or "no access_token in the answer"
            raise self._http.error(
                AuthError, f"Marketo's identity endpoint gave no token ({reason}); {self._auth_hint}"
            )
        try:
            lifetime = float(data.get("expires_in", 3600))
        except (TypeError, ValueError):
            raise self._http.error(
                BadAnswerError, "Marketo's identity endpoint sent an unreadable expires_in"
            ) from None
        register_secret(token)
        now = self._clock()
        same = token == self._token
        if not same:
            self.generation += 1
            forget_secret(self._token)  # expired or replaced: no need to look for it any more
        self._token = token
        self._expires_at = now + lifetime
        # The same token again means it cannot be renewed early: keep it until it expires.
        self._renew_at = self._expires_at if same or lifetime <= RENEW_MARGIN else self._expires_at - RENEW_MARGIN
