"""A tiny source that needs a secret and is refused with an answer that echoes it back.

The worst case for leaks: the platform's error text quotes the key, in a URL query and verbatim.
Register it as a kind with `monkeypatch.setitem(mopstui.adapters.BUILTIN_KINDS, KIND, TARGET)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mopstui.core.errors import AuthError
from mopstui.core.models import ActionOutcome, WorkflowScan
from mopstui.core.source import Source

KIND = "vault-test"
TARGET = "fakes.secret_source:EchoingSource"


@dataclass(frozen=True)
class EchoingOptions:
    base_url: str
    retries: int = 2


class EchoingSource(Source):
    kind = KIND
    Options = EchoingOptions
    secret_fields = ("api_key",)
    capabilities = frozenset({"workflows", "actions"})
    action_labels = {"activate": "Activate"}

    def _refuse(self) -> AuthError:
        key = self.context.secret("api_key")
        self.calls += 1
        return AuthError(f"401 from {self.options.base_url}/v1/scan?api_key={key}: key {key} was rejected")

    async def fetch_workflows(self) -> WorkflowScan:
        raise self._refuse()

    async def perform(self, action: str, target: str, params: Mapping[str, str]) -> ActionOutcome:
        raise self._refuse()
