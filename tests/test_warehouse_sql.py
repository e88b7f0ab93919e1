"""The warehouse SQL per dialect: golden files, parsed back in its own dialect, and each rewritten
difference checked (in DuckDB or Python where the engine itself cannot run here).

Regenerate the golden files after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_warehouse_sql.py`.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from mopstui.adapters.files.rules_sql import EMAIL_RE, PY_WHITESPACE, RulePlan
from mopstui.adapters.warehouse import dialects
from mopstui.core import quality as q

GOLDEN = Path(__file__).parent / "golden" / "warehouse"
PLAN = RulePlan.build(
    {
        "email": "Email Address",
        "first_name": "first_name",
        "last_name": "last_name",
        "country": "country",
        "last_activity": "last_activity",
        "unsubscribed": "unsubscribed",
        "marketable": "marketable",
    },
    ["email", "country"],
    date(2026, 1, 1),
    730,
)
TABLES = {
    "postgres": "analytics.contacts",
    "snowflake": "CRM.ANALYTICS.CONTACTS",
    "bigquery": "my-proj.crm.contacts",
    "duckdb": "main.contacts",
}
CASES = {
    "count": lambda d: dialects.count_sql(PLAN, TABLES[d], d),
    "sample-duplicates": lambda d: dialects.rows_sql(
        PLAN, TABLES[d], d, "duplicates", ["Email Address", "country"], 50
    ),
    "sample-stale": lambda d: dialects.rows_sql(PLAN, TABLES[d], d, "stale", ["Email Address", "last_activity"], 50),
    "export-test_record": lambda d: dialects.rows_sql(PLAN, TABLES[d], d, "test_record", ["Email Address"], None),
}


def escaped(sql: str) -> str:
    """The SQL as ASCII with every other character escaped (reversibly: backslashes are doubled)."""
    return sql.encode("unicode_escape").decode("ascii") + "\n"


@pytest.mark.parametrize("dialect", dialects.DIALECTS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(dialect: str, case: str) -> None:
    sql = CASES[case](dialect)
    path = GOLDEN / f"{dialect}-{case}.sql"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(escaped(sql), encoding="ascii")
    assert escaped(sql) == path.read_text(encoding="ascii"), f"{path.name} differs; UPDATE_GOLDEN=1 if intended"


@pytest.mark.parametrize("dialect", dialects.DIALECTS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_parses_back_in_its_dialect_unchanged(dialect: str, case: str) -> None:
    sql = CASES[case](dialect)
    tree = sqlglot.parse_one(sql, read=dialect)
    assert tree.sql(dialect=dialect) == sql
    tables = {t.sql(dialect=dialect) for t in tree.find_all(exp.Table)} - {"d", "e", "f"}
    assert tables == {dialects.table_expression(TABLES[dialect], dialect).sql(dialect=dialect)}  # type: ignore[arg-type]


def test_count_is_one_select_of_counts_only() -> None:
    for dialect in dialects.DIALECTS:
        tree = sqlglot.parse_one(dialects.count_sql(PLAN, TABLES[dialect], dialect), read=dialect)
        assert isinstance(tree, exp.Select) and tree.args.get("group") is None and tree.args.get("limit") is None
        assert [e.alias for e in tree.expressions] == ["total", *(f"m{i}" for i in range(len(PLAN.metrics)))]
        assert all(e.find(exp.AggFunc) is not None for e in tree.expressions)


@pytest.mark.parametrize(
    "dialect, absent, present",
    [
        (
            "postgres",
            ["ORD(", "TRY_CAST", "AS DATE", "\\x{", "-1)", "FROM -1", "REGEXP_FULL_MATCH"],
            ['COLLATE "und-x-icu"', 'COLLATE "C" AS __act', "ASCII(", " ~ '^(?:", "OFFSET 0"],
        ),
        (
            "snowflake",
            ["ORD(", "TRY_CAST", "AS DATE", "\\\\x{", "(?", "FILTER("],
            ["UNICODE(", "REGEXP_LIKE(__em", "REGEXP_INSTR(", "COUNT_IF("],
        ),
        (
            "bigquery",
            ["ORD(", "SAFE_CAST", "AS DATE", "SPLIT_PART", "FILTER("],
            ["UNICODE(", "REGEXP_CONTAINS(__em, '^(?:", "SAFE_OFFSET(0)", "COUNTIF("],
        ),
    ],
)
def test_each_difference_is_rewritten(dialect: str, absent: list[str], present: list[str]) -> None:
    sql = dialects.count_sql(PLAN, TABLES[dialect], dialect)  # type: ignore[arg-type]
    assert [a for a in absent if a in sql] == []
    assert [p for p in present if p not in sql] == []


def test_calendar_test_is_pythons_in_duckdb() -> None:
    days = [
        f"{y:04d}-{m:02d}-{d:02d}"
        for y in (0, 1, 4, 100, 200, 400, 1900, 2000, 2023, 2024, 9996, 9999)
        for m in range(14)
        for d in range(33)
    ]
    con = duckdb.connect()
    con.execute("CREATE TABLE days (v VARCHAR)")
    con.executemany("INSERT INTO days VALUES (?)", [[d] for d in days])
    answers = dict(con.execute(f"SELECT v, {dialects.valid_date_sql('v')} FROM days").fetchall())

    def valid(text: str) -> bool:
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
        return True

    assert answers == {d: valid(d) for d in days}


EMAILS = [
    "a@b.co",
    "a b@c.com",
    "a@b",
    "@b.com",
    "a@@b.com",
    "a@b.c.",
    "a@b.c@d.com",
    "a@b.com\u00a0x",
    "a\u2028@b.com",
    "é@ü.de",
]
EMAILS += [f"a{c}@b.com" for c in PY_WHITESPACE]


def test_snowflake_pattern_is_the_rule() -> None:
    """Snowflake's pattern (characters in place of RE2 escapes; REGEXP_LIKE anchors both ends)."""
    sql = dialects.count_sql(PLAN, TABLES["snowflake"], "snowflake")
    tree = sqlglot.parse_one(sql, read="snowflake")
    call = next(a for a in tree.find_all(exp.RegexpLike) if "@" in a.expression.name)
    body = call.expression.name
    assert body == dialects._literal_chars(EMAIL_RE)
    assert {e: re.fullmatch(body, e) is not None for e in EMAILS} == {e: not q.is_invalid_email(e) for e in EMAILS}


def test_bigquery_anchored_pattern_is_the_full_match() -> None:
    """BigQuery is RE2, as DuckDB: REGEXP_CONTAINS with ^(?:...)$ answers as regexp_full_match."""
    con = duckdb.connect()
    pattern = f"^(?:{EMAIL_RE})$"
    for email in EMAILS:
        contains, full = con.execute(
            "SELECT regexp_matches(?, ?), regexp_full_match(?, ?)", [email, pattern, email, EMAIL_RE]
        ).fetchone()  # type: ignore[misc]
        assert contains == full == (not q.is_invalid_email(email)), email


def test_snowflake_name_guard_is_case_insensitive_and_partial() -> None:
    sql = dialects.count_sql(PLAN, TABLES["snowflake"], "snowflake")
    found = re.findall(r"REGEXP_INSTR\(.*?, '([^']*)', 1, 1, 0, 'i'\) > 0", sql)
    assert len(found) == 1 and "(?" not in found[0]
    assert all(re.search(found[0], name, re.I) for name in ("Mickey Mouse", "JOHN x", "x doe"))
    assert not re.search(found[0], "Anna Smith", re.I)


@pytest.mark.parametrize("pattern", ["\\d+", "\\s", "(?=a)b"])
def test_an_escape_without_a_checked_spelling_is_refused(pattern: str) -> None:
    tree = sqlglot.parse_one(f"SELECT regexp_full_match(x, '{pattern}') FROM __mopstui_table__", read="duckdb")
    with pytest.raises(dialects.UnsupportedRule):
        dialects._write(tree, "t", "snowflake")


def test_table_names_are_read_in_their_dialect() -> None:
    assert dialects.table_expression('"My DB".public.contacts', "postgres").sql("postgres") == '"My DB".public.contacts'
    assert dialects.table_expression("my-proj.crm.contacts", "bigquery").sql("bigquery") == "my-proj.crm.contacts"
    for bad in ("", "contacts; DROP TABLE x", "a.b.c.d.e"):
        with pytest.raises(ValueError, match="table: expected a table name"):
            dialects.table_expression(bad, "postgres")
