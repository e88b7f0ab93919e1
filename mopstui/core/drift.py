"""Drift: a workflow whose definition differs from the one memory kept is a `changed` problem.

Adapters read a definition again only when its revision moved (Marketo's `updatedAt`, HubSpot's
`revisionId`) and hand it over in normal form (`WorkflowDefinition.facts`). Memory keeps one row per
workflow in the state store's `definitions` table: its revision, its facts (zlib-compressed JSON)
and its last change (the facts before it, when it was seen, its words and severity). So an
unchanged workflow costs no call and no write; a changed one costs one call and one row.

- The first definition of a workflow is its baseline, not a change.
- A change is `warning`; `info` when only what a mopstui action changes (its status) moved and the
  audit log shows such an action on that workflow since the previous definition was read.
- A change stays a problem for `KEEP` after it was seen (a morning sees the night's changes).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import zip_longest
from typing import Any

from mopstui.core.audit import AuditLog
from mopstui.core.models import Severity, WorkflowDefinition, WorkflowKind, WorkflowProblem
from mopstui.core.names import numbered
from mopstui.core.receipt import ATTEMPT, OK, UNCONFIRMED
from mopstui.core.redact import redact
from mopstui.core.store import StateStore, pack, unpack

Facts = tuple[tuple[str, str], ...]
#: How long a change stays a `changed` problem after it was first seen.
KEEP = timedelta(hours=24)
#: Fact labels whose change reads "<label> now <value>" (rules); the others "<label>: old → new".
RULE_PREFIXES = ("trigger ", "filter ", "action ", "enrollment")
#: What a mopstui action (activate, deactivate) changes in a definition.
ACTION_LABELS = frozenset({"status"})
ACTIONS = frozenset({"activate", "deactivate"})
#: Changes named in a problem's detail before "and N more".
SHOWN_CHANGES = 4
_KINDS: dict[str, WorkflowKind] = {"trigger": "trigger", "batch": "batch", "flow": "flow"}
_IN_CHUNK = 500  # ids per `IN (...)`: well under SQLite's variable limit

_UPSERT = (
    "INSERT INTO definitions (source, id, revision, read_at, head, facts, before, changed_at, change) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, id) DO UPDATE SET "
    "revision = excluded.revision, read_at = excluded.read_at, head = excluded.head, facts = excluded.facts, "
    "before = COALESCE(excluded.before, definitions.before), "
    "changed_at = COALESCE(excluded.changed_at, definitions.changed_at), "
    "change = COALESCE(excluded.change, definitions.change)"
)


@dataclass(frozen=True)
class Change:
    """A workflow's last definition change: what the diff view shows."""

    source: str
    id: str
    name: str
    before: Facts
    after: Facts
    changed_at: datetime
    words: tuple[str, ...]
    severity: Severity


# -- words and lines (pure) -------------------------------------------------------------------------
def change_words(before: Facts, after: Facts) -> list[str]:
    """What changed, one phrase per fact: "trigger 'Fills Out Form' now matches any form",
    "qualification: once → every time", "filter 'Country' removed (was: matches Country is US)"."""
    old, new = dict(before), dict(after)
    words: list[str] = []
    for label, value in after:
        if label not in old:
            words.append(f"{label} added ({value})")
        elif old[label] != value:
            words.append(
                f"{label} now {value}" if label.startswith(RULE_PREFIXES) else f"{label}: {old[label]} → {value}"
            )
    words.extend(f"{label} removed (was: {value})" for label, value in before if label not in new)
    return words


def changed_labels(before: Facts, after: Facts) -> set[str]:
    old, new = dict(before), dict(after)
    return {label for label in old.keys() | new.keys() if old.get(label) != new.get(label)}


def summary(words: Sequence[str]) -> str:
    shown = "; ".join(words[:SHOWN_CHANGES])
    more = len(words) - SHOWN_CHANGES
    return f"{shown}; and {more} more" if more > 0 else shown


def lines(facts: Facts) -> list[str]:
    """A definition as the diff view's lines: `label: value`."""
    return [f"{label}: {value}" for label, value in facts]


def side_by_side(before: Sequence[str], after: Sequence[str]) -> list[tuple[str, str, str]]:
    """(old line, new line, mark) rows: mark " " same, "~" changed, "-" only old, "+" only new."""
    rows: list[tuple[str, str, str]] = []
    matcher = difflib.SequenceMatcher(a=list(before), b=list(after), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend((line, line, " ") for line in before[i1:i2])
            continue
        for old, new in zip_longest(before[i1:i2], after[j1:j2]):
            mark = "~" if old is not None and new is not None else ("-" if new is None else "+")
            rows.append((old or "", new or "", mark))
    return rows


def unique_label(label: str, taken: set[str]) -> str:
    """`label`, or `label #2`, `#3`... when a definition has two rules of one name."""
    out = numbered(label, taken, "{base} #{n}")
    taken.add(out)
    return out


def qualification_words(rule: Any, interval: Any = None, unit: Any = None) -> str:
    """Marketo's qualificationRuleType in the words of its UI: once, every time, once every 2 weeks."""
    if rule == "any":
        return "every time"
    if rule == "interval":
        n = interval if isinstance(interval, int) and not isinstance(interval, bool) else 1
        word = str(unit or "period")
        return f"once every {n} {word}{'' if n == 1 else 's'}"
    return "once" if rule in (None, "once") else str(rule)


# -- memory's part ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Kept:
    revision: str
    read_at: datetime | None
    facts: Facts


class Drift:
    """Compares fresh definitions with the kept ones and keeps the new ones (see the module docstring)."""

    def __init__(self, store: StateStore, audit: AuditLog | None, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.audit = audit
        self.clock = clock
        #: source -> rows to upsert at the next record (this refresh's reads)
        self._pending: dict[str, list[tuple[Any, ...]]] = {}
        #: source -> id -> the change seen this refresh, not yet in the store
        self._fresh: dict[str, dict[str, Change]] = {}

    def revisions(self, source: str) -> dict[str, str] | None:
        """id -> revision of every kept definition; None when the store cannot keep new ones."""
        if not self.store.writable:
            return None
        rows = self.store.definition_rows("SELECT id, revision FROM definitions WHERE source = ?", (source,))
        return {str(i): str(r) for i, r in rows}

    def observe(self, source: str, definitions: Iterable[WorkflowDefinition], now: datetime) -> list[WorkflowProblem]:
        """Compare this refresh's definitions with the kept ones; the source's `changed` problems."""
        fresh = [_redacted(d) for d in definitions]
        kept = self._kept(source, [d.id for d in fresh])
        pending: list[tuple[Any, ...]] = []
        changes: dict[str, Change] = {}
        entries: list[dict[str, Any]] | None = None
        for d in fresh:
            head = json.dumps({"name": d.name, "kind": d.kind, "url": d.url, "program": d.program}, ensure_ascii=False)
            row = [source, d.id, d.revision, _iso(now), head, pack(json.dumps(d.facts, ensure_ascii=False))]
            prev = kept.get(d.id)
            if prev is None or prev.facts == d.facts:  # a baseline, or the same definition again
                pending.append((*row, None, None, None))
                continue
            words = tuple(change_words(prev.facts, d.facts))
            severity: Severity = "warning"
            if changed_labels(prev.facts, d.facts) <= ACTION_LABELS:
                if entries is None:
                    entries = self._audit_entries()
                if _made_here(entries, source, d.id, prev.read_at):
                    severity = "info"
            change = json.dumps({"words": list(words), "severity": severity}, ensure_ascii=False)
            pending.append((*row, pack(json.dumps(prev.facts, ensure_ascii=False)), _iso(now), change))
            changes[d.id] = Change(source, d.id, d.name, prev.facts, d.facts, now, words, severity)
        self._pending[source] = pending
        self._fresh[source] = changes
        return self._problems(source, fresh, now)

    def save(self, source: str) -> None:
        """Keep this refresh's definitions (inside memory's snapshot transaction)."""
        rows = self._pending.pop(source, [])
        self._fresh.pop(source, None)
        if rows:
            self.store.write_definitions(_UPSERT, rows)

    def change(self, source: str, workflow_id: str) -> Change | None:
        """The last change of one workflow (this refresh's, or the kept one), for the diff view."""
        fresh = self._fresh.get(source, {}).get(workflow_id)
        if fresh is not None:
            return fresh
        rows = self.store.definition_rows(
            "SELECT head, facts, before, changed_at, change FROM definitions WHERE source = ? AND id = ?",
            (source, workflow_id),
        )
        if not rows:
            return None
        head, facts, before, changed_at, change = rows[0]
        after_facts, before_facts = _facts(facts), _facts(before)
        at, info = _time(changed_at), _object(change)
        if after_facts is None or before_facts is None or at is None or info is None:
            return None
        return Change(
            source,
            workflow_id,
            str((_object(head) or {}).get("name", workflow_id)),
            before_facts,
            after_facts,
            at,
            tuple(str(w) for w in info.get("words", [])),
            "info" if info.get("severity") == "info" else "warning",
        )

    # -- internals --------------------------------------------------------------------------------
    def _kept(self, source: str, ids: Sequence[str]) -> dict[str, _Kept]:
        out: dict[str, _Kept] = {}
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            rows = self.store.definition_rows(
                f"SELECT id, revision, read_at, facts FROM definitions WHERE source = ? AND id IN ({','.join('?' * len(chunk))})",
                (source, *chunk),
            )
            for wid, revision, read_at, facts in rows:
                parsed = _facts(facts)
                if parsed is not None:  # an unreadable row is read again as a baseline
                    out[str(wid)] = _Kept(str(revision), _time(read_at), parsed)
        return out

    def _problems(self, source: str, fresh: list[WorkflowDefinition], now: datetime) -> list[WorkflowProblem]:
        """The source's changes seen within KEEP: the kept ones, with this refresh's over them."""
        heads = {d.id: d for d in fresh}
        found: dict[str, tuple[dict[str, Any], datetime, list[str], Severity]] = {}
        rows = self.store.definition_rows(
            "SELECT id, head, changed_at, change FROM definitions WHERE source = ? AND changed_at >= ?",
            (source, _iso(now - KEEP)),
        )
        for wid, head, changed_at, change in rows:
            info, at, shown = _object(change), _time(changed_at), _object(head)
            if info is None or at is None or shown is None:
                continue
            severity: Severity = "info" if info.get("severity") == "info" else "warning"
            found[str(wid)] = (shown, at, [str(w) for w in info.get("words", [])], severity)
        for wid, c in self._fresh.get(source, {}).items():
            d = heads[wid]
            found[wid] = (
                {"name": d.name, "kind": d.kind, "url": d.url, "program": d.program},
                c.changed_at,
                list(c.words),
                c.severity,
            )
        problems = []
        for wid, (head, at, words, severity) in found.items():
            if wid in heads and wid not in self._fresh.get(source, {}):
                head = {
                    "name": heads[wid].name,
                    "kind": heads[wid].kind,
                    "url": heads[wid].url,
                    "program": heads[wid].program,
                }
            kind: WorkflowKind = _KINDS.get(str(head.get("kind")), "trigger")
            problems.append(
                WorkflowProblem(
                    source=source,
                    id=wid,
                    name=str(head.get("name") or wid),
                    kind=kind,
                    problem="changed",
                    severity=severity,
                    detail=(summary(words) or "its definition changed") + ".",
                    since=at,
                    url=str(head.get("url") or ""),
                    program=str(head.get("program") or ""),
                )
            )
        return problems

    def _audit_entries(self) -> list[dict[str, Any]]:
        if self.audit is None:
            return []
        try:
            return self.audit.read()
        except OSError:
            return []


def _made_here(entries: list[dict[str, Any]], source: str, workflow_id: str, since: datetime | None) -> bool:
    """Whether the audit log shows an activate or deactivate of the workflow from mopstui since
    `since`: done (ok, unconfirmed) or still running (its attempt is the last entry: the re-fetch
    after an action compares before the outcome is written)."""
    if since is None:
        return False
    floor = since.replace(microsecond=0) - timedelta(seconds=1)
    for entry in reversed(entries):
        if entry.get("source") != source or entry.get("target") != workflow_id or entry.get("action") not in ACTIONS:
            continue
        at = _time(entry.get("time"))
        if at is None:
            continue
        if at < floor:
            return False
        if entry.get("outcome") in (OK, UNCONFIRMED, ATTEMPT):
            return True
    return False


def _redacted(d: WorkflowDefinition) -> WorkflowDefinition:
    """Platform text with any secret in it redacted before it is kept or shown."""
    facts = tuple((redact(label), redact(value)) for label, value in d.facts)
    return WorkflowDefinition(d.id, redact(d.name), d.kind, d.revision, facts, d.url, d.program)


def _facts(value: Any) -> Facts | None:
    text = unpack(value) if value is not None else None
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in data
    ):
        return None
    return tuple((p[0], p[1]) for p in data)


def _object(text: Any) -> dict[str, Any] | None:
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _time(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def facts_of(pairs: Iterable[tuple[str, str]]) -> Facts:
    """Facts with unique labels (a second rule of the same name becomes `#2`)."""
    taken: set[str] = set()
    return tuple((unique_label(label, taken), value) for label, value in pairs)


def to_read(
    revisions: Iterable[tuple[str, str]], known: Mapping[str, str], most: int, order: Callable[[str], Any]
) -> list[str]:
    """Workflow ids whose definition to read this refresh, at most `most`, from (id, revision) pairs:
    those whose revision moved since the kept definition first (the drift), then those without one
    yet (their baseline), each group in `order`. The rest wait for the next refresh."""
    moved, unknown = [], []
    for wid, rev in revisions:
        kept = known.get(wid)
        if kept is None:
            unknown.append(wid)
        elif kept != rev:
            moved.append(wid)
    return (sorted(moved, key=order) + sorted(unknown, key=order))[: max(0, most)]
