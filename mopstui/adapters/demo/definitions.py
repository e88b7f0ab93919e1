"""The demo's smart lists, for drift: two planted campaigns carry a definition, and the first night
changes both ("Newsletter - November Send" loses its "Country is US" filter; the nurture
"Nurture - Stream 3 Cadence" is switched to qualify people every time).

A definition's facts use the Marketo adapter's words (see mopstui.adapters.marketo.smartlists), so
the demo's `changed` problems read as a real instance's would. Its revision moves with each edit
(and with the campaign's status), as a Marketo campaign's updatedAt does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from mopstui.adapters.demo import workspace as w
from mopstui.core.drift import facts_of, qualification_words
from mopstui.core.models import WorkflowDefinition

NEWSLETTER, NURTURE = "1003", "1006"


@dataclass
class SmartList:
    """A demo campaign's smart list and settings: (rule name, conditions) triggers and filters."""

    triggers: list[tuple[str, list[str]]]
    filters: list[tuple[str, list[str]]]
    qualification: str = "once"
    communication_limits: bool = True
    edits: list[datetime] = field(default_factory=list)

    def revision(self, status: str) -> str:
        return f"{len(self.edits)}:{self.edits[-1].isoformat() if self.edits else ''}:{status}"


def plant(ws: w.Workspace) -> None:
    """The first morning's smart lists (the campaigns are planted by the workspace)."""
    if NEWSLETTER in ws.campaigns:
        ws.smart_lists[NEWSLETTER] = SmartList(
            triggers=[("Fills Out Form", ["Web Form is Newsletter Signup"])],
            filters=[("Country", ["Country is US"]), ("Unsubscribed", ["Unsubscribed is false"])],
        )
    if NURTURE in ws.campaigns:
        ws.smart_lists[NURTURE] = SmartList(
            triggers=[("Added to List", ["List is Nurture Stream 3"])],
            filters=[("Lead Score", ["Lead Score at least 20"])],
        )


def drift_overnight(ws: w.Workspace, when: datetime) -> None:
    """The night's edits, once: the newsletter's Country filter deleted, the nurture set to every time."""
    newsletter = ws.smart_lists.get(NEWSLETTER)
    if newsletter is not None and any(name == "Country" for name, _ in newsletter.filters):
        newsletter.filters = [f for f in newsletter.filters if f[0] != "Country"]
        newsletter.edits.append(when)
    nurture = ws.smart_lists.get(NURTURE)
    if nurture is not None and nurture.qualification == "once":
        nurture.qualification = "any"
        nurture.edits.append(when)


def definition(c: w.Campaign, smart_list: SmartList, url: str) -> WorkflowDefinition:
    pairs = [(f"trigger '{name}'", _matches(name, conds)) for name, conds in smart_list.triggers]
    pairs += [(f"filter '{name}'", _matches(name, conds)) for name, conds in smart_list.filters]
    pairs += [
        ("filter logic", "all filters"),
        ("qualification", qualification_words(smart_list.qualification)),
        ("person limit", "none"),
        ("communication limits", "on" if smart_list.communication_limits else "off"),
        ("recurrence", "none"),
        ("requestable", "no"),
        ("status", c.status),
    ]
    return WorkflowDefinition(
        id=c.id,
        name=c.name,
        kind="trigger" if c.kind == "trigger" else "batch",
        revision=smart_list.revision(c.status),
        facts=facts_of(pairs),
        url=url,
        program=c.program,
    )


def _matches(name: str, conditions: list[str]) -> str:
    return "matches " + (" and ".join(conditions) if conditions else f"any {name.split()[-1].lower()}")
