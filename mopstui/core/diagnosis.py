""" "Why won't it send?": one diagnosis of a campaign or flow, and the audience it reaches.

A `Diagnosis` is the list of checks a person would run through in the platform's UI (is it on, are
its emails approved, is its program approved, do limits stop it, how many people it reaches), each
one line with a sentence, failing ones first. Where one API call fixes a failing check, the check
carries that `Fix` (an action id the source's `perform` knows, on a target id): the cockpit runs it
through `Cockpit.perform`, so it is audited, refused on a read-only source and re-fetched after.

The audience guard: a campaign reaching more than `audience_guard_percent` of the database needs the
number of people typed to go ahead (see `needs_typed_count`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

CheckState = Literal["ok", "fail", "unknown"]
#: Adobe's recommendation for a person limit, used as the default guard.
DEFAULT_GUARD_PERCENT = 25.0
MARK = {"ok": "✓", "fail": "✖", "unknown": "?"}


@dataclass(frozen=True)
class Fix:
    """One API call that fixes a check: `perform(action, target)` on the diagnosed source."""

    action: str
    target: str
    #: What the confirmation and the key hint say: "Approve the draft of email 'VP Launch'".
    label: str


@dataclass(frozen=True)
class Check:
    """One reason a campaign sends or does not: `state` ok / fail / unknown, and a sentence."""

    key: str
    state: CheckState
    sentence: str
    fix: Fix | None = None

    @property
    def mark(self) -> str:
        return MARK[self.state]


@dataclass(frozen=True)
class Audience:
    """How many people a campaign's smart list (or a flow's lists) holds, against the database."""

    people: int | None
    database: int | None = None
    #: How the people were counted ("id-only bulk export of smart list 5012"), for the reader.
    how: str = ""
    #: Why they could not be counted (1035, queue full...), "" when counted.
    error: str = ""

    @property
    def percent(self) -> float | None:
        if self.people is None or not self.database:
            return None
        return 100.0 * self.people / self.database

    def sentence(self) -> str:
        """'reaches 48,211 people: 61% of the 79,000 in the database'."""
        if self.people is None:
            return f"audience not counted: {self.error or 'unknown'}"
        noun = "person" if self.people == 1 else "people"
        percent = self.percent
        if percent is None:
            return f"reaches {self.people:,} {noun} (database size unknown)"
        return f"reaches {self.people:,} {noun}: {percent:.0f}% of the {self.database:,} in the database"


def needs_typed_count(audience: Audience | None, guard_percent: float) -> bool:
    """True when the audience is above the guard: `y` alone must not start it."""
    percent = audience.percent if audience is not None else None
    return percent is not None and percent > guard_percent


def audience_check(audience: Audience, guard_percent: float) -> Check:
    """The audience line of a diagnosis: above the guard is a failing check (it needs a human)."""
    if audience.people is None:
        text = audience.sentence()
        return Check("audience", "unknown", text[:1].upper() + text[1:] + ".")
    text = audience.sentence()
    if needs_typed_count(audience, guard_percent):
        return Check(
            "audience",
            "fail",
            f"It {text}: above the audience guard of {guard_percent:g}%; check its smart list before it sends.",
        )
    return Check("audience", "ok", f"It {text}.")


def person_limit_check(limit: int | None, audience: Audience | None = None) -> Check:
    """The person limit (`maxMembers`) against the audience, once counted."""
    if limit is None:
        return Check("person-limit", "ok", "No person limit (maxMembers) is set.")
    people = audience.people if audience is not None else None
    if people is None:
        return Check("person-limit", "ok", f"Person limit: at most {limit:,} people a run (maxMembers).")
    if people > limit:
        return Check(
            "person-limit",
            "fail",
            f"Its audience of {people:,} is above its person limit of {limit:,}: Marketo aborts the run without a word.",
        )
    return Check("person-limit", "ok", f"Its audience of {people:,} is within its person limit of {limit:,}.")


@dataclass(frozen=True)
class Diagnosis:
    """Every check of one workflow, as the platform answered at one moment."""

    source: str
    workflow_id: str
    name: str
    kind: str
    checks: tuple[Check, ...] = ()
    audience: Audience | None = None
    url: str = ""
    #: API calls this diagnosis cost (the audience count apart, see `Audience`).
    calls: int = 0
    #: The most people one run may take (Marketo's `maxMembers`), checked against the audience.
    person_limit: int | None = None

    @property
    def ordered(self) -> list[Check]:
        """Failing checks first, then the unknown, then the passing; each group as found."""
        rank = {"fail": 0, "unknown": 1, "ok": 2}
        return sorted(self.checks, key=lambda c: rank[c.state])

    @property
    def blocked(self) -> bool:
        return any(c.state == "fail" for c in self.checks)

    @property
    def fixes(self) -> list[Fix]:
        return [c.fix for c in self.ordered if c.fix is not None and c.state == "fail"]

    def with_audience(self, audience: Audience, guard_percent: float) -> Diagnosis:
        """This diagnosis with its audience line (replacing an earlier one)."""
        kept = tuple(c for c in self.checks if c.key not in ("audience", "person-limit"))
        checks = (*kept, person_limit_check(self.person_limit, audience), audience_check(audience, guard_percent))
        return replace(self, checks=checks, audience=audience)

    def to_json(self) -> dict[str, Any]:
        """The `mopstui why --format json` document."""
        audience = self.audience
        return {
            "source": self.source,
            "id": self.workflow_id,
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "blocked": self.blocked,
            "checks": [
                {
                    "check": c.key,
                    "ok": c.state == "ok" if c.state != "unknown" else None,
                    "state": c.state,
                    "sentence": c.sentence,
                    "fix": {"action": c.fix.action, "target": c.fix.target, "label": c.fix.label} if c.fix else None,
                }
                for c in self.ordered
            ],
            "audience": None
            if audience is None
            else {
                "people": audience.people,
                "database": audience.database,
                "percent": None if audience.percent is None else round(audience.percent, 1),
                "how": audience.how,
                "error": audience.error,
            },
            "calls": self.calls,
        }
