"""HubSpot data-quality counts from the config: `required_properties` and `[quality.<metric>]` tables.

Each count is a CRM search filter (OR of filter groups, AND of the filters within one group). Custom
counts are checked here, at config load, against what the search endpoint accepts, so a typo is a
config error naming the key rather than a 400 on every refresh. Values go out as the strings HubSpot's
search schema asks for: a TOML number or boolean is converted (`50` -> "50", `true` -> "true").

```toml
[sources.hubspot.quality.no_owner]
label = "No contact owner"          # optional; default made from the metric name
warning = 5.0                       # optional thresholds, percent of all contacts
critical = 20.0
filter_groups = [ { filters = [ { propertyName = "hubspot_owner_id", operator = "NOT_HAS_PROPERTY" } ] } ]
```
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mopstui.core.models import Thresholds
from mopstui.core.quality import thresholds_for

#: Operators that compare with one `value`.
VALUE_OPERATORS = frozenset({"EQ", "NEQ", "LT", "LTE", "GT", "GTE", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"})
#: Operators taking a `values` list.
LIST_OPERATORS = frozenset({"IN", "NOT_IN"})
#: Operators taking nothing but the property.
PRESENCE_OPERATORS = frozenset({"HAS_PROPERTY", "NOT_HAS_PROPERTY"})
OPERATORS = VALUE_OPERATORS | LIST_OPERATORS | PRESENCE_OPERATORS | {"BETWEEN"}
#: The search endpoint's own limits on one query.
MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 6, 18

_METRIC = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TABLE_KEYS = {"filter_groups", "label", "warning", "critical"}


@dataclass(frozen=True)
class QualityCount:
    """One metric to count: its key, the search filter, an optional label and thresholds."""

    metric: str
    filter_groups: list[dict[str, Any]]
    label: str = ""
    thresholds: dict[str, Thresholds] | None = None


def missing_count(prop: str) -> QualityCount:
    """`missing:<property>`: contacts with no value at all for a required property."""
    group = {"filters": [{"propertyName": prop, "operator": "NOT_HAS_PROPERTY"}]}
    return QualityCount(f"missing:{prop}", [group])


def parse_quality(tables: Mapping[str, Any], required: list[str]) -> list[QualityCount]:
    """The counts to run, required properties first; ValueError names the offending key."""
    counts = [missing_count(p.strip()) for p in required]
    for metric, table in tables.items():
        where = f"quality.{metric}"
        if not _METRIC.match(metric):
            raise ValueError(f"{where}: expected a metric name of lowercase letters, digits, _ or -")
        if not isinstance(table, dict):
            raise ValueError(f"{where}: expected a table with filter_groups")
        unknown = set(table) - _TABLE_KEYS
        if unknown:
            raise ValueError(
                f"{where}.{sorted(unknown)[0]}: unknown key (expected one of: {', '.join(sorted(_TABLE_KEYS))})"
            )
        label = table.get("label", "")
        if not isinstance(label, str):
            raise ValueError(f"{where}.label: expected a string")
        counts.append(
            QualityCount(metric, _groups(table.get("filter_groups"), where), label, _thresholds(table, metric, where))
        )
    return counts


def _thresholds(table: Mapping[str, Any], metric: str, where: str) -> dict[str, Thresholds] | None:
    if "warning" not in table and "critical" not in table:
        return None
    default = thresholds_for(metric)
    values = {}
    for key in ("warning", "critical"):
        value = table.get(key, getattr(default, key))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{where}.{key}: expected a percentage of all contacts, 0 or more")
        values[key] = float(value)
    if values["warning"] > values["critical"]:
        raise ValueError(f"{where}: expected warning <= critical")
    return {metric: Thresholds(values["warning"], values["critical"])}


def _groups(value: Any, where: str) -> list[dict[str, Any]]:
    key = f"{where}.filter_groups"
    if not isinstance(value, list) or not value:
        raise ValueError(f"{key}: expected a list of {{ filters = [...] }} tables")
    if len(value) > MAX_GROUPS:
        raise ValueError(f"{key}: HubSpot allows at most {MAX_GROUPS} filter groups")
    groups, total = [], 0
    for i, group in enumerate(value):
        gkey = f"{key}[{i}]"
        if (
            not isinstance(group, dict)
            or set(group) != {"filters"}
            or not isinstance(group["filters"], list)
            or not group["filters"]
        ):
            raise ValueError(f"{gkey}: expected {{ filters = [ {{ propertyName = ..., operator = ... }} ] }}")
        if len(group["filters"]) > MAX_FILTERS_PER_GROUP:
            raise ValueError(f"{gkey}.filters: HubSpot allows at most {MAX_FILTERS_PER_GROUP} filters in a group")
        total += len(group["filters"])
        groups.append({"filters": [_filter(f, f"{gkey}.filters[{j}]") for j, f in enumerate(group["filters"])]})
    if total > MAX_FILTERS:
        raise ValueError(f"{key}: HubSpot allows at most {MAX_FILTERS} filters in one search")
    return groups


def _filter(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected a table with propertyName and operator")
    prop, op = value.get("propertyName"), value.get("operator")
    if not isinstance(prop, str) or not prop.strip():
        raise ValueError(f"{where}.propertyName: expected an internal property name like 'country'")
    if op not in OPERATORS:
        raise ValueError(f"{where}.operator: expected one of {', '.join(sorted(OPERATORS))}, got {op!r}")
    allowed = {"propertyName", "operator"}
    if op in VALUE_OPERATORS:
        allowed |= {"value"}
    elif op in LIST_OPERATORS:
        allowed |= {"values"}
    elif op == "BETWEEN":
        allowed |= {"value", "highValue"}
    unknown = set(value) - allowed
    if unknown:
        raise ValueError(f"{where}.{sorted(unknown)[0]}: not used with operator {op}")
    for needed in sorted(allowed - {"propertyName", "operator"}):
        if needed not in value:
            raise ValueError(f"{where}.{needed}: required with operator {op}")
    if op in LIST_OPERATORS and (not isinstance(value["values"], list) or not value["values"]):
        raise ValueError(f"{where}.values: expected a non-empty list")
    return _as_strings(value, where)


def _as_strings(value: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The filter with `value`, `highValue` and `values` as strings, as the search schema types them."""
    sent = dict(value)
    for key in ("value", "highValue"):
        if key in sent:
            sent[key] = search_value(sent[key], f"{where}.{key}")
    if "values" in sent:
        sent["values"] = [search_value(v, f"{where}.values[{i}]") for i, v in enumerate(sent["values"])]
    return sent


def search_value(value: Any, where: str) -> str:
    """One filter value as a string: TOML numbers and booleans the way HubSpot writes them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: True is an int in Python, and HubSpot wants "true"
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    raise ValueError(f"{where}: expected a string, a number or true/false (quote dates and anything else)")
