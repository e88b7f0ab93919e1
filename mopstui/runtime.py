"""Wiring: turn a validated Config into a running Cockpit (sources, audit log, memory)."""

from __future__ import annotations

from mopstui import paths, secrets
from mopstui.config import Config
from mopstui.core.audit import AuditLog
from mopstui.core.service import Cockpit, SourceHandle
from mopstui.core.source import SourceContext


def audit_log() -> AuditLog:
    return AuditLog(paths.state_dir() / "audit.jsonl")


def build_cockpit(config: Config, *, read_only: bool = False, memory: object | None = None) -> Cockpit:
    """Instantiate every configured source; `read_only` (from --read-only) adds to the config's."""
    handles = {}
    for sc in config.sources:
        name = sc.name
        context = SourceContext(
            state_dir=paths.state_dir(),
            secret=lambda field, _name=name: secrets.resolve(_name, field),
            replies=config.replies,
        )
        source = sc.cls(name, sc.options, context)
        handles[name] = SourceHandle(
            source, read_only=sc.read_only, timeout=sc.timeout_seconds or config.timeout_seconds
        )
    return Cockpit(
        handles,
        read_only=read_only or config.read_only,
        audit=audit_log(),
        memory=memory,  # type: ignore[arg-type]
    )
