"""Data-quality rules: names, labels, default thresholds, and the row-level predicates.

The predicates are the reference definition of each rule (the README documents them); the file
adapter runs the same rules in SQL, and tests hold both to the same answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import NamedTuple

from mopstui.core.models import QualityMetric, Thresholds

ROLE_LOCALPARTS = frozenset(
    "info sales admin support noreply no-reply donotreply do-not-reply marketing contact hello "
    "office billing accounts help team webmaster postmaster hr jobs careers enquiries inquiries".split()
)
PERSONAL_DOMAINS = frozenset(
    "gmail.com googlemail.com yahoo.com yahoo.co.uk hotmail.com outlook.com live.com msn.com aol.com "
    "icloud.com me.com mac.com proton.me protonmail.com gmx.com gmx.de web.de mail.com yandex.com "
    "zoho.com qq.com 163.com".split()
)
TEST_DOMAINS = frozenset("example.com example.org example.net test.com mailinator.com".split())
TEST_LOCALPARTS = frozenset("test testing tester asdf asdfasdf qwerty foo bar abc xxx dummy fake".split())
TEST_NAMES = frozenset({"mickey mouse", "donald duck", "test test", "john doe", "jane doe", "asdf asdf"})

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

LABELS: dict[str, str] = {
    "duplicates": "Duplicate emails",
    "invalid_email": "Invalid emails",
    "role_email": "Role accounts",
    "personal_email": "Free-mail addresses",
    "test_record": "Test / junk records",
    "stale": "Stale (no activity)",
    "unsubscribed_marketable": "Unsubscribed but marketable",
}

#: Default thresholds, in percent of the records checked.
DEFAULT_THRESHOLDS: dict[str, Thresholds] = {
    "duplicates": Thresholds(1.0, 5.0),
    "invalid_email": Thresholds(0.5, 2.0),
    "missing": Thresholds(5.0, 20.0),
    "role_email": Thresholds(2.0, 5.0),
    "personal_email": Thresholds(10.0, 25.0),
    "test_record": Thresholds(0.2, 1.0),
    "stale": Thresholds(25.0, 50.0),
    "unsubscribed_marketable": Thresholds(0.01, 0.5),
}


def label_for(metric: str) -> str:
    if metric.startswith("missing:"):
        return f"Missing {metric.split(':', 1)[1].replace('_', ' ')}"
    return LABELS.get(metric, metric.replace("_", " ").capitalize())


def thresholds_for(metric: str, overrides: Mapping[str, Thresholds] | None = None) -> Thresholds:
    if overrides and metric in overrides:
        return overrides[metric]
    base = "missing" if metric.startswith("missing:") else metric
    if overrides and base in overrides:
        return overrides[base]
    return DEFAULT_THRESHOLDS.get(base, Thresholds(5.0, 20.0))


def make_metric(
    source: str, metric: str, count: int, total: int | None, overrides: Mapping[str, Thresholds] | None = None
) -> QualityMetric:
    thresholds = thresholds_for(metric, overrides)
    return QualityMetric(
        source=source,
        metric=metric,
        label=label_for(metric),
        count=count,
        total=total,
        thresholds=thresholds,
        severity=thresholds.severity(count, total),
    )


# -- row-level predicates -------------------------------------------------------------------------


def is_blank(value: str | None) -> bool:
    return value is None or not str(value).strip()


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


class EmailChecks(NamedTuple):
    """What the email rules say of one address, worked out in one pass (see `email_checks`)."""

    normalised: str
    invalid: bool
    role: bool
    personal: bool
    test_mailbox: bool


def email_checks(email: str | None) -> EmailChecks:
    """Every email rule for one address at once: the predicates below are views of this, and a
    scan that needs them all (the demo's contacts at start-up) normalises and matches once.

    - invalid: non-empty and not a plausible address (no @, nothing before it, two @, spaces, no
      dot in the domain);
    - role / personal: a valid address whose mailbox is a role (info@, sales@...) / whose domain is
      a free-mail provider;
    - test mailbox: test@ / asdf@ style mailboxes, `test+` tags, example.com-style domains."""
    norm = (email or "").strip().lower()
    if not norm:
        return EmailChecks(norm, False, False, False, False)
    local, _, domain = norm.partition("@")
    test = local in TEST_LOCALPARTS or domain in TEST_DOMAINS or local.startswith("test+")
    if _EMAIL.match(norm) is None:
        return EmailChecks(norm, True, False, False, test)
    return EmailChecks(norm, False, local in ROLE_LOCALPARTS, domain in PERSONAL_DOMAINS, test)


def is_invalid_email(email: str | None) -> bool:
    return email_checks(email).invalid


def is_role_email(email: str | None) -> bool:
    return email_checks(email).role


def is_personal_email(email: str | None) -> bool:
    return email_checks(email).personal


def is_test_name(first_name: str | None, last_name: str | None) -> bool:
    name = f"{(first_name or '').strip()} {(last_name or '').strip()}".strip().lower()
    return name in TEST_NAMES


def is_test_record(email: str | None, first_name: str | None = None, last_name: str | None = None) -> bool:
    """Junk or test records: test@ / asdf@ style mailboxes, example.com-style domains, cartoon names."""
    return email_checks(email).test_mailbox or is_test_name(first_name, last_name)


#: Values read as "yes" in an unsubscribed or marketable column (after trimming, case-insensitive).
TRUTHY = frozenset({"true", "t", "yes", "y", "1"})

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUTHY


def activity_date(value: str | None) -> date | None:
    """The calendar date a last-activity value starts with (`YYYY-MM-DD...`), or None if it has none.

    Only the leading ISO date counts, so `2024-03-01`, `2024-03-01 09:30` and `2024-03-01T09:30:00Z`
    are all 1 March 2024 whatever their time zone; anything else (blank, `03/01/2024`) is unknown.
    """
    text = (value or "").strip()
    if _ISO_DATE.match(text) is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:  # 2024-02-30, 0000-01-01
        return None


def is_stale(last_activity: str | None, today: date, stale_after_days: int) -> bool:
    """Last activity strictly before `today - stale_after_days`; an unknown date is not stale."""
    day = activity_date(last_activity)
    return day is not None and day < today - timedelta(days=stale_after_days)


def is_unsubscribed_marketable(unsubscribed: str | None, marketable: str | None) -> bool:
    return is_truthy(unsubscribed) and is_truthy(marketable)
