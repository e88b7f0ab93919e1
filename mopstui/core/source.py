"""The Source contract every adapter implements, and the context the service hands it.

A source implements any subset of the fetches and actions; `capabilities` says which. Options come
from the source's `[sources.NAME]` table, validated against the adapter's `Options` dataclass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from mopstui.core.diagnosis import Audience, Diagnosis
from mopstui.core.errors import MopstuiError
from mopstui.core.models import ActionOutcome, QualityMetric, Request, WorkflowScan

CAPABILITIES = ("workflows", "requests", "quality", "actions", "drilldown", "why")


class AdapterError(MopstuiError):
    """An adapter class that breaks the Source contract; the message names the class and what is wrong."""


@dataclass
class SourceContext:
    """What a source may ask of the world beyond its options.

    `secret(field)` resolves a secret (env, keyring, file) or raises CredentialError.
    `memory` carries what the last snapshot knew for this source (e.g. last fetch time), so an
    adapter can fetch incrementally. `replies` are the canned decline replies by id.
    `shared_options` is the source's `SharedOptions` as the config set them (None: the defaults).
    `revisions()` gives workflow id -> the revision of the definition memory keeps (see
    WorkflowDefinition); None (no memory, or one that cannot keep them): read no definitions.
    """

    state_dir: Path | None = None
    secret: Callable[[str], str] = lambda field_name: ""
    memory: dict[str, Any] = field(default_factory=dict)
    replies: Mapping[str, str] = field(default_factory=dict)
    shared_options: Any = None
    revisions: Callable[[], Mapping[str, str] | None] | None = None

    def known_revisions(self) -> Mapping[str, str] | None:
        """What `revisions` answers, None without it (definitions are then not read at all)."""
        return self.revisions() if self.revisions is not None else None


@dataclass(frozen=True)
class NoOptions:
    """Options of a source that takes none beyond `kind` and `read_only`."""


class Source:
    """Base class of every adapter. Override only what the platform supports."""

    kind: ClassVar[str] = ""
    #: The dataclass describing this kind's config keys (besides `kind` and `read_only`).
    Options: ClassVar[type] = NoOptions
    #: Config keys a shared base class reads for every kind built on it (HttpSource's
    #: `max_response_mb`), checked like `Options` and handed over as `SourceContext.shared_options`.
    SharedOptions: ClassVar[type] = NoOptions
    #: Secret fields this kind needs (resolved through SourceContext.secret, never in config).
    secret_fields: ClassVar[tuple[str, ...]] = ()
    #: Which of CAPABILITIES this source provides.
    capabilities: ClassVar[frozenset[str]] = frozenset()
    #: Action ids this source can perform, with the verb shown in confirmations.
    action_labels: ClassVar[Mapping[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_capabilities(cls)

    def __init__(self, name: str, options: Any, context: SourceContext | None = None) -> None:
        self.name = name
        self.options = options
        self.context = context or SourceContext()
        #: API calls made since the last `reset_calls()`; reported per fetch as the source's `calls`.
        self.calls = 0
        #: Extra health facts shown in the source status (e.g. "API quota 82% used").
        self.health: str = ""

    def reset_calls(self) -> None:
        self.calls = 0

    async def fetch_workflows(self) -> WorkflowScan:
        raise NotImplementedError

    async def fetch_requests(self) -> list[Request]:
        raise NotImplementedError

    async def fetch_quality(self) -> list[QualityMetric]:
        raise NotImplementedError

    async def perform(self, action: str, target: str, params: Mapping[str, str]) -> ActionOutcome:
        """Run `action` on the item `target`; return the platform's answer (never raise for a refusal)."""
        raise NotImplementedError

    async def sample_rows(self, metric: str, limit: int = 50) -> tuple[list[str], list[list[str]]]:
        """Column names and up to `limit` offending rows for a quality metric ("drilldown")."""
        raise NotImplementedError

    async def export_rows(self, metric: str, path: Path) -> int:
        """Write every offending row of `metric` to the CSV `path`; return how many ("drilldown")."""
        raise NotImplementedError

    async def diagnose(self, target: str) -> Diagnosis:
        """Why the workflow `target` would not send: every check, failing first ("why")."""
        raise NotImplementedError

    async def count_audience(self, target: str) -> Audience:
        """How many people the workflow `target` reaches, against the database ("why"). Costly:
        called on demand (a diagnosis, an activation), never on a refresh."""
        raise NotImplementedError

    async def check_connection(self) -> str:
        """A cheap call proving the credentials work; returns a one-line description."""
        if "workflows" in self.capabilities:
            await self.fetch_workflows()
        elif "requests" in self.capabilities:
            await self.fetch_requests()
        elif "quality" in self.capabilities:
            await self.fetch_quality()
        return "ok"

    async def aclose(self) -> None:
        """Release network clients; called once when the service stops."""


def check_capabilities(cls: type[Source]) -> None:
    """Refuse, when the class is defined, a capability name the service would never ask for."""
    where = f"{cls.__module__}:{cls.__qualname__}"
    declared: Any = cls.capabilities
    if isinstance(declared, str) or not isinstance(declared, (set, frozenset, tuple, list)):
        raise AdapterError(f"adapter {where}: capabilities must be a set of names, got {declared!r}")
    unknown = sorted(str(name) for name in declared if name not in CAPABILITIES)
    if unknown:
        raise AdapterError(
            f"adapter {where}: unknown capability {', '.join(map(repr, unknown))} "
            f"(expected some of: {', '.join(CAPABILITIES)})"
        )
