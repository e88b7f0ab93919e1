"""The file source's rules (mopstui.adapters.files.rules_sql), transpiled to each warehouse's SQL.

One definition: `RulePlan` writes the rules as DuckDB SQL; SQLGlot parses that and writes it in
the target dialect. SQLGlot alone is not enough where the engines' functions differ, and it would
guess silently (it writes DuckDB's `try_cast(x AS DATE)` as Postgres' `CAST`, which fails on
`2024-02-30` instead of answering NULL; it keeps `ord` and RE2's `\\x{85}`, which Postgres and
Snowflake do not know). Each such difference is rewritten here, on the syntax tree, explicitly:

- code points (`ord`): Postgres `ascii` (the code point in a UTF-8 database), Snowflake and
  BigQuery `unicode`;
- the last character (`substr(x, -1)`): `right(x, 1)` (Postgres reads a negative start otherwise);
- regular expressions: RE2's `\\x{HH}` escapes become the characters themselves (Postgres AREs and
  Snowflake's POSIX EREs have no such escape, every engine takes a literal character in a
  bracket); a full match is anchored `^(?:...)$` for Postgres and BigQuery, while Snowflake's
  `regexp_like` anchors both ends itself; a partial, case-insensitive match is Snowflake's
  `regexp_instr(x, p, 1, 1, 0, 'i') > 0` (no inline `(?i)` or `(?:` there). Any other escape is
  refused (`UnsupportedRule`), never passed on to mean something else;
- Unicode lower-casing: Postgres `lower(x COLLATE "und-x-icu")`, the ICU root locale's full case
  mapping, as Python's `str.lower` (a libc or "C" collation lower-cases otherwise);
- date checks: `try_cast(x AS DATE) IS NULL` becomes a text test of the calendar (month 01-12,
  day within the month, 29 February in leap years, no year 0000), the same on every engine;
- Postgres compares the activity date under `COLLATE "C"` (byte order, as DuckDB and Python);
- BigQuery has no `split_part`: `SPLIT(x, '@')[SAFE_OFFSET(0)]`;
- Postgres inlines each CTE where it is used and has no common-subexpression elimination, so every
  mention of `__em` would recompute the trimmed, lower-cased address several times over: each
  CTE ends in `OFFSET 0`, the usual fence, so its values are computed once a
  row, still in one streaming pass (no materialisation).

The count query's columns are named `total, m0, m1, ...` (BigQuery takes no `:` in a name) and read
by position, in `RulePlan.metrics` order.
"""

from __future__ import annotations

import re
from typing import Literal

import sqlglot
from sqlglot import exp

from mopstui.adapters.files.rules_sql import RulePlan, ident

Dialect = Literal["postgres", "snowflake", "bigquery", "duckdb"]
DIALECTS: tuple[Dialect, ...] = ("postgres", "snowflake", "bigquery", "duckdb")

#: Stands for the table while the DuckDB text is parsed; swapped for the parsed table name.
_PLACEHOLDER = "__mopstui_table__"
_LEAP_YY = "(" + ", ".join(f"'{n:02d}'" for n in range(0, 100, 4)) + ")"


class UnsupportedRule(ValueError):
    """A construct of the rules this module does not know how to write for a dialect."""


def valid_date_sql(x: str) -> str:
    """DuckDB SQL: is the `YYYY-MM-DD` text `x` a real calendar date (year 0001 to 9999)?

    Text only (no cast that could fail), so it is the same test in every dialect.
    """
    month, day, yy, cc = f"substr({x}, 6, 2)", f"substr({x}, 9, 2)", f"substr({x}, 3, 2)", f"substr({x}, 1, 2)"
    leap = f"(({yy} <> '00' AND {yy} IN {_LEAP_YY}) OR ({yy} = '00' AND {cc} IN {_LEAP_YY}))"
    last = (
        f"(CASE WHEN {month} = '02' THEN (CASE WHEN {leap} THEN '29' ELSE '28' END)"
        f" WHEN {month} IN ('04', '06', '09', '11') THEN '30' ELSE '31' END)"
    )
    return (
        f"(substr({x}, 1, 4) <> '0000' AND {month} >= '01' AND {month} <= '12' AND {day} >= '01' AND {day} <= {last})"
    )


def table_expression(table: str, dialect: Dialect) -> exp.Table:
    """The `table` option, read as a table name in the dialect's own quoting (`db.schema.table`)."""
    try:
        parsed = sqlglot.parse_one(table, into=exp.Table, read=dialect)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, ValueError):
        parsed = None
    if not isinstance(parsed, exp.Table) or not isinstance(parsed.this, exp.Identifier) or parsed.alias:
        raise ValueError(f"table: expected a table name such as analytics.contacts, got {table!r}")
    return parsed


# -- the queries, as DuckDB text -----------------------------------------------------------------
def _rows_duckdb(plan: RulePlan, metric: str, output: list[str], limit: int | None) -> str:
    """Offending rows of `metric` (all of `output`'s columns), without the file's row order:
    a table has none, so duplicates are every use of an address but one."""
    cols = ", ".join(ident(c) for c in output)
    base = (
        f"WITH d AS (SELECT *, {', '.join(plan.derived())} FROM {_PLACEHOLDER}), "
        f"e AS (SELECT *, {', '.join(plan.email_parts())} FROM d) "
    )
    tail = f" LIMIT {int(limit)}" if limit is not None else ""
    if metric == "duplicates":
        return (
            base + ", f AS (SELECT *, row_number() OVER (PARTITION BY __em) AS __n FROM e WHERE __em <> '') "
            f"SELECT {cols} FROM f WHERE __n > 1 ORDER BY __em" + tail
        )
    return base + f"SELECT {cols} FROM e WHERE {plan.predicate(metric)}" + tail


def count_sql(plan: RulePlan, table: str, dialect: Dialect) -> str:
    """One aggregate query, one pass over `table`, answering `total` and each metric's count."""
    tree = _parse(plan.count_sql(_PLACEHOLDER))
    assert isinstance(tree, exp.Select)  # WITH d AS (...), e AS (...) SELECT <the counts> FROM e
    select = tree
    items = select.expressions
    for i, item in enumerate(items[1:]):
        if isinstance(item, exp.Alias):
            item.set("alias", exp.to_identifier(f"m{i}"))
    return _write(tree, table, dialect)


def rows_sql(plan: RulePlan, table: str, dialect: Dialect, metric: str, output: list[str], limit: int | None) -> str:
    """The offending rows of `metric`: at most `limit` of them (the sample), or all (the export)."""
    if metric not in plan.metrics:
        raise KeyError(metric)
    return _write(_parse(_rows_duckdb(plan, metric, output, limit)), table, dialect)


def columns_sql(table: str, dialect: Dialect) -> str:
    """A query answering no rows, whose description names the table's columns."""
    return _write(_parse(f"SELECT * FROM {_PLACEHOLDER} LIMIT 0"), table, dialect)


# -- the rewriting -------------------------------------------------------------------------------
def _parse(sql: str) -> exp.Expr:
    tree = sqlglot.parse_one(sql, read="duckdb")
    assert tree is not None
    return tree


def _write(tree: exp.Expr, table: str, dialect: Dialect) -> str:
    target = table_expression(table, dialect)
    tree = tree.transform(
        lambda node: target.copy() if isinstance(node, exp.Table) and node.name == _PLACEHOLDER else node
    )
    if dialect != "duckdb":
        tree = _rewrite_tree(tree, dialect)
    if dialect == "postgres":
        for cte in tree.find_all(exp.CTE):
            cte.this.set("offset", exp.Offset(expression=exp.Literal.number(0)))
    return tree.sql(dialect=dialect)


def _rewrite_tree(tree: exp.Expr, dialect: Dialect) -> exp.Expr:
    """Every node rewritten after its children (reversed pre-order), so a rewrite sees rewritten
    arguments and no new node is rewritten twice."""
    root = exp.Paren(this=tree)  # a parent for the top node, so it can be replaced like the rest
    for node in reversed(list(tree.walk())):
        new = _rewrite(node, dialect)
        if new is not node:
            node.replace(new)
    if root.find(exp.TryCast) is not None:
        raise UnsupportedRule(f"try_cast outside an IS NULL test has no checked {dialect} spelling")
    rewritten: exp.Expr = root.this
    return rewritten


def _rewrite(node: exp.Expr, dialect: Dialect) -> exp.Expr:
    if isinstance(node, exp.Anonymous) and node.name.lower() == "ord":
        name = "ASCII" if dialect == "postgres" else "UNICODE"
        return exp.Anonymous(this=name, expressions=node.expressions)
    if isinstance(node, exp.Substring) and isinstance(node.args.get("start"), exp.Neg) and not node.args.get("length"):
        return exp.Right(this=node.this, expression=node.args["start"].this)
    if isinstance(node, exp.RegexpFullMatch):
        return _full_match(node.this, _pattern(node.expression), dialect)
    if isinstance(node, exp.RegexpLike):
        return _partial_match(node.this, _pattern(node.expression), dialect)
    if isinstance(node, exp.Not) and isinstance(node.this, exp.Not):  # NOT (x IS NULL) of a rewritten date test
        inner: exp.Expr = node.this.this
        return inner
    if _is_date_null(node):
        return exp.Not(this=exp.Paren(this=_valid_date(node.this.this)))
    if dialect == "postgres" and isinstance(node, exp.Lower):
        return exp.Lower(this=exp.Collate(this=node.this, expression=exp.Identifier(this="und-x-icu", quoted=True)))
    if dialect == "postgres" and isinstance(node, exp.Alias) and node.alias == "__act":
        return exp.alias_(exp.Collate(this=node.this, expression=exp.Identifier(this="C", quoted=True)), "__act")
    if dialect == "bigquery" and isinstance(node, exp.SplitPart):
        index = int(node.args["part_index"].name)
        split = exp.Split(this=node.this, expression=node.args["delimiter"])
        return exp.Bracket(this=split, expressions=[exp.Literal.number(index - 1)], offset=0, safe=True)
    return node


def _is_date_null(node: exp.Expr) -> bool:
    """`try_cast(x AS DATE) IS NULL`: DuckDB's test of a date that does not exist."""
    if not (isinstance(node, exp.Is) and isinstance(node.this, exp.TryCast) and isinstance(node.expression, exp.Null)):
        return False
    if not node.this.to.is_type("date"):
        raise UnsupportedRule(f"try_cast to {node.this.to.sql()} has no checked spelling for every dialect")
    return True


def _valid_date(subject: exp.Expr) -> exp.Expr:
    return _parse(valid_date_sql("__x")).transform(
        lambda n: subject.copy() if isinstance(n, exp.Column) and n.name == "__x" else n
    )


def _pattern(node: exp.Expr) -> str:
    if not isinstance(node, exp.Literal) or not node.is_string:
        raise UnsupportedRule("a regular expression that is not a literal")
    return str(node.this)


_HEX = re.compile(r"\\x\{([0-9a-fA-F]+)\}")


def _literal_chars(pattern: str) -> str:
    """RE2 `\\x{HH}` as the character itself; `\\.` kept; any other escape refused."""
    out = _HEX.sub(lambda m: chr(int(m.group(1), 16)), pattern)
    for escape in re.findall(r"\\.", out):
        if escape != "\\.":
            raise UnsupportedRule(f"regular-expression escape {escape!r} has no checked spelling for every dialect")
    return out


def _full_match(subject: exp.Expr, pattern: str, dialect: Dialect) -> exp.Expr:
    if dialect == "bigquery":  # RE2, as DuckDB: only the anchors are added
        return exp.RegexpLike(this=subject, expression=exp.Literal.string(f"^(?:{pattern})$"))
    body = _literal_chars(pattern)
    if dialect == "snowflake":  # REGEXP_LIKE matches the whole subject
        if "(?" in body:
            raise UnsupportedRule("Snowflake regular expressions have no (?...) groups")
        return exp.Anonymous(this="REGEXP_LIKE", expressions=[subject, exp.Literal.string(body)])
    return exp.RegexpLike(this=subject, expression=exp.Literal.string(f"^(?:{body})$"))


def _partial_match(subject: exp.Expr, pattern: str, dialect: Dialect) -> exp.Expr:
    if dialect == "bigquery":
        return exp.RegexpLike(this=subject, expression=exp.Literal.string(pattern))
    body = _literal_chars(pattern)
    if dialect == "postgres":  # AREs take a leading (?i) and (?:...)
        return exp.RegexpLike(this=subject, expression=exp.Literal.string(body))
    flags = ""
    if body.startswith("(?i)"):
        body, flags = body[4:], "i"
    body = body.replace("(?:", "(")
    if "(?" in body:
        raise UnsupportedRule("Snowflake regular expressions have no (?...) groups")
    args = [subject, exp.Literal.string(body), exp.Literal.number(1), exp.Literal.number(1), exp.Literal.number(0)]
    if flags:
        args.append(exp.Literal.string(flags))
    return exp.GT(this=exp.Anonymous(this="REGEXP_INSTR", expressions=args), expression=exp.Literal.number(0))
