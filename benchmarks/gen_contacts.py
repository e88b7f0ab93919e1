"""Generate a realistic contact export with planted data-quality problems.

    python benchmarks/gen_contacts.py --rows 1000000 --out benchmarks/data/contacts-1m.csv

The columns look like a Marketo or HubSpot export (display names with spaces, a quoted company
field that sometimes holds commas, ISO timestamps). Problems are planted at fixed rates with a
seeded generator, so every run writes the same bytes and the counts can be compared across engines.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
from datetime import date, timedelta
from pathlib import Path

HEADER = [
    "Id",
    "First Name",
    "Last Name",
    "Email Address",
    "Company",
    "Job Title",
    "Country",
    "Lead Source",
    "Lead Status",
    "Last Activity Date",
    "Unsubscribed",
    "Marketable",
]
FIRST = "Anna Ben Chloe David Emma Farid Grace Hugo Ines Jonas Kai Lena Marco Nora Omar Priya Quinn Rosa Sven Tara Uma Victor Wen Yusuf Zoë José Åsa".split()
LAST = "Smith Müller Garcia Rossi Dubois Kowalski Nguyen Tanaka Silva Jensen Novak Olsen Patel Kim Brown Wilson Taylor Moreau Costa Fischer".split()
COMPANIES = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella, Inc.",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli",
    "Vandelay Industries",
    "Soylent",
    "Cyberdyne Systems",
    "Tyrell Corp",
    "Wonka Industries",
]
TITLES = [
    "Marketing Manager",
    "VP Marketing",
    "Demand Gen Lead",
    "CMO",
    "Ops Analyst",
    "Sales Director",
    "Product Manager",
    "Engineer",
    "CFO",
    "Head of Growth",
]
COUNTRIES = [
    "United States",
    "Germany",
    "France",
    "United Kingdom",
    "Spain",
    "Italy",
    "Netherlands",
    "Canada",
    "Australia",
    "Japan",
    "Brazil",
    "India",
]
SOURCES = ["Webinar", "Paid Search", "Organic", "Trade Show", "Content Syndication", "Referral", "List Import"]
STATUSES = ["New", "Working", "Nurture", "MQL", "SQL", "Disqualified"]
PERSONAL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "gmx.de"]
ROLES = ["info", "sales", "admin", "support", "noreply", "marketing"]
INVALID = ["{u}.{c}.com", "{u}@", "@{c}.com", "{u}@{c}", "{u} x@{c}.com", "{u}@@{c}.com", "{u}@{c}.com@x.org"]
TESTS = [("test", "{c}.com"), ("asdf", "{c}.com"), ("{u}", "example.com"), ("test+{u}", "{c}.com")]


def make_row(i: int, rnd: random.Random, today: date, emails: list[str]) -> list[str]:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    company = rnd.choice(COMPANIES)
    slug = company.lower().replace(",", "").replace(".", "").replace(" ", "")
    user = f"{first[0].lower()}{last.lower()}{i:x}"
    roll = rnd.random()
    if roll < 0.02 and emails:  # a re-import: same address, other case and stray spaces
        email = rnd.choice(emails)
        email = f" {email.upper()} " if rnd.random() < 0.5 else email
    elif roll < 0.028:
        email = rnd.choice(INVALID).format(u=user, c=slug)
    elif roll < 0.033:
        email = "" if rnd.random() < 0.7 else "   "
    elif roll < 0.053:
        email = f"{rnd.choice(ROLES)}@{slug}{i % 5000}.com"
    elif roll < 0.203:
        email = f"{user}@{rnd.choice(PERSONAL)}"
    elif roll < 0.206:
        local, domain = rnd.choice(TESTS)
        email = f"{local.format(u=user)}@{domain.format(c=slug)}"
    else:
        email = f"{user}@{slug}.com"
    if email.strip() and len(emails) < 50_000:
        emails.append(email.strip())
    if rnd.random() < 0.0005:
        first, last = "Mickey", "Mouse"
    created = today - timedelta(days=rnd.randint(30, 3650))
    activity = (
        "" if rnd.random() < 0.05 else (created + timedelta(days=rnd.randint(0, (today - created).days))).isoformat()
    )
    unsubscribed = rnd.random() < 0.04
    marketable = (not unsubscribed) or rnd.random() < 0.03
    return [
        str(100000 + i),
        first,
        last,
        email,
        company,
        rnd.choice(TITLES),
        "" if rnd.random() < 0.06 else rnd.choice(COUNTRIES),
        "" if rnd.random() < 0.12 else rnd.choice(SOURCES),
        rnd.choice(STATUSES),
        activity,
        "true" if unsubscribed else "false",
        "true" if marketable else "false",
    ]


def generate(path: Path, rows: int, seed: int = 7, today: date = date(2026, 1, 1)) -> Path:
    """Write `rows` contacts to `path` (.csv or .csv.gz); return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    emails: list[str] = []
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow(make_row(i, rnd, today, emails))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / "contacts-1m.csv")
    args = parser.parse_args()
    out = generate(args.out, args.rows, args.seed)
    print(f"{out}: {args.rows:,} rows, {out.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
