"""Smart campaign definitions for drift (pure, no I/O): smart list rules and campaign settings.

The rules come from `GET /rest/asset/v1/smartCampaign/{id}/smartList.json?includeRules=true`
(Adobe's Swagger: getSmartListBySmartCampaignIdUsingGET, answer SmartListResponseWithRules:
`rules.filterMatchType`, `rules.triggers[]`, `rules.filters[]` each with `conditions[]`); the
settings (qualificationRuleType, qualificationRuleInterval/Unit, maxMembers,
isCommunicationLimitEnabled, recurrence, isRequestable, status) are in the campaign record the
listing already holds. Flow steps are not in Adobe's REST API, so a definition has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mopstui.core import drift
from mopstui.core.drift import facts_of, qualification_words
from mopstui.core.errors import BadAnswerError
from mopstui.core.models import WorkflowDefinition, WorkflowKind

SMART_LIST = "/rest/asset/v1/smartCampaign/{id}/smartList.json"
_MATCH_WORDS = {"all": "all filters", "any": "any filter", "advanced": "advanced"}


def revision(campaign: Mapping[str, Any]) -> str:
    """What moves when someone edits the campaign: its `updatedAt`."""
    return str(campaign.get("updatedAt") or "")


def to_read(campaigns: Mapping[str, Mapping[str, Any]], known: Mapping[str, str], most: int) -> list[str]:
    """Ids whose smart list to read this refresh, at most `most`: those whose updatedAt moved since
    the kept definition first (the drift), then those without one yet (their baseline), trigger
    campaigns before batch ones, by id. System campaigns are left out."""

    def order(cid: str) -> tuple[int, int, str]:
        return (0 if campaigns[cid].get("type") == "trigger" else 1, len(cid), cid)

    pairs = ((cid, revision(c)) for cid, c in campaigns.items() if c.get("isSystem") is not True)
    return drift.to_read(pairs, known, most, order)


def smart_list_rules(data: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    """The `rules` object of a smart list answer; BadAnswerError naming `where` when it has none."""
    result = data.get("result")
    first = result[0] if isinstance(result, list) and result else None
    rules = first.get("rules") if isinstance(first, Mapping) else None
    if not isinstance(rules, Mapping) or not isinstance(rules.get("filters", []), list):
        raise BadAnswerError(f"{where}: Marketo's smart list answer has no rules")
    if not isinstance(rules.get("triggers", []), list):
        raise BadAnswerError(f"{where}: Marketo's smart list answer has no list of triggers")
    return rules


def definition(campaign: Mapping[str, Any], rules: Mapping[str, Any], *, program: str = "") -> WorkflowDefinition:
    """A campaign's definition in normal form: its rules, then its settings."""
    cid = str(campaign.get("id"))
    kind: WorkflowKind = "trigger" if campaign.get("type") == "trigger" else "batch"
    pairs = [*rule_facts(rules), *setting_facts(campaign)]
    return WorkflowDefinition(
        id=cid,
        name=str(campaign.get("name") or f"campaign {cid}"),
        kind=kind,
        revision=revision(campaign),
        facts=facts_of(pairs),
        url=str(campaign.get("computedUrl") or ""),
        program=program,
    )


def rule_facts(rules: Mapping[str, Any]) -> list[tuple[str, str]]:
    """`trigger 'Fills Out Form'`: `matches Web Form is Contact Us`, each filter, the filter logic."""
    pairs = [_rule("trigger", t) for t in rules.get("triggers") or []]
    pairs += [_rule("filter", f) for f in rules.get("filters") or []]
    match = str(rules.get("filterMatchType") or "all")
    logic = _MATCH_WORDS.get(match.lower(), match)
    custom = rules.get("customRuleLogic")  # (unverified) the advanced logic's text, when Adobe sends it
    if match.lower() == "advanced" and isinstance(custom, str) and custom.strip():
        logic = f"advanced: {custom.strip()}"
    pairs.append(("filter logic", logic))
    return pairs


def setting_facts(campaign: Mapping[str, Any]) -> list[tuple[str, str]]:
    members = campaign.get("maxMembers")
    limit = f"{members:,} people" if isinstance(members, int) and not isinstance(members, bool) else "none"
    return [
        (
            "qualification",
            qualification_words(
                campaign.get("qualificationRuleType"),
                campaign.get("qualificationRuleInterval"),
                campaign.get("qualificationRuleUnit"),
            ),
        ),
        ("person limit", limit),
        ("communication limits", "on" if campaign.get("isCommunicationLimitEnabled") is True else "off"),
        ("recurrence", recurrence_words(campaign.get("recurrence"))),
        ("requestable", "yes" if campaign.get("isRequestable") is True else "no"),
        ("status", str(campaign.get("status") or "?")),
    ]


def recurrence_words(recurrence: Any) -> str:
    """Swagger's Recurrence in a line: `none`, `Weekly every 1, on Monday, from 2026-03-02T09:00:00Z`."""
    if not isinstance(recurrence, Mapping):
        return "none"
    interval_type = recurrence.get("intervalType")
    weekdays = " (weekdays only)" if recurrence.get("weekdayOnly") is True else ""
    if not interval_type:
        return "none" + weekdays
    parts = [f"{interval_type} every {recurrence.get('interval') or 1}{weekdays}"]
    mask = recurrence.get("weekdayMask")
    if isinstance(mask, list) and mask:
        parts.append("on " + ", ".join(str(d) for d in mask))
    for key, word in (("dayOfMonth", "day"), ("dayOfWeek", "on"), ("weekOfMonth", "week")):
        if recurrence.get(key) not in (None, ""):
            parts.append(f"{word} {recurrence[key]}")
    if recurrence.get("startAt"):
        parts.append(f"from {recurrence['startAt']}")
    if recurrence.get("endAt"):
        parts.append(f"until {recurrence['endAt']}")
    return ", ".join(parts)


def _rule(section: str, rule: Any) -> tuple[str, str]:
    """One trigger or filter: label `trigger 'Fills Out Form'`, value `matches ...`. The Swagger types
    a trigger as a string, Adobe's samples give filters as objects: both are read."""
    if not isinstance(rule, Mapping):
        name = str(rule)
        return f"{section} '{name}'", f"matches any {_noun(name)}"
    name = str(rule.get("name") or rule.get("ruleType") or "?")
    conditions = [_condition(c) for c in _list(rule.get("conditions")) if isinstance(c, Mapping)]
    value = "matches " + (" and ".join(conditions) if conditions else f"any {_noun(name)}")
    operator = str(rule.get("operator") or "")
    primary = [c for c in _list(rule.get("conditions")) if isinstance(c, Mapping) and c.get("isPrimary") is True]
    if conditions and operator not in ("", "is") and not any(str(c.get("operator") or "") == operator for c in primary):
        value += f" ({operator})"
    return f"{section} '{name}'", value


def _condition(condition: Mapping[str, Any]) -> str:
    attribute = str(condition.get("activityAttributeName") or condition.get("activityAttributeId") or "?")
    operator = str(condition.get("operator") or "is")
    values = [str(v) for v in _list(condition.get("values"))]
    return f"{attribute} {operator} {', '.join(values)}".rstrip() if values else f"{attribute} {operator}"


def _noun(name: str) -> str:
    """`Fills Out Form` -> `form`: what "any" refers to when a rule has no constraint."""
    words = name.split()
    return words[-1].lower() if words else "activity"


def _list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else []
