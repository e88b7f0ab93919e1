"""The data-quality rules of mopstui.core.quality, written as DuckDB SQL over one scan of the file.

Every expression here must give the same answer as its Python predicate for every value; the
tests hold them to it. Two details make that exact rather than approximate:

- Python's `str.strip()` and regex `\\s` use Unicode whitespace, DuckDB's `trim()` and RE2's `\\s` do
  not, so both sides use the explicit set `PY_WHITESPACE`.
- `trim(x, chars)` is slow in DuckDB, so it only runs on values whose
  first or last character could be whitespace (a code-point test, see `strip`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from mopstui.core import quality as q

#: Exactly the characters `str.isspace()` accepts (what `str.strip()` removes); a test proves it.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_WS_CLASS = "".join(f"\\x{{{ord(c):x}}}" for c in PY_WHITESPACE)
#: quality._EMAIL with `\s` spelled out (RE2 syntax); regexp_full_match anchors both ends.
EMAIL_RE = f"[^@{_WS_CLASS}]+@[^@{_WS_CLASS}]+\\.[^@{_WS_CLASS}.]+"
#: quality.activity_date's pattern, over the first ten characters of the stripped value.
_ISO_DATE_RE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
#: Any word of a test name, case-insensitive: a cheap necessary condition for quality.TEST_NAMES.
_NAME_WORDS_RE = "(?i)(?:" + "|".join(sorted({w for name in q.TEST_NAMES for w in name.split()})) + ")"


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A SQL quoted identifier (file headers may hold spaces, quotes, anything)."""
    return '"' + name.replace('"', '""') + '"'


def in_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(lit(v) for v in sorted(values)) + ")"


def strip(expr: str) -> str:
    """Python's `str.strip()` of a VARCHAR expression (NULL stays NULL).

    The guard is a cheap superset of "starts or ends with whitespace": every whitespace character
    is below 33 or at 133 and above, and most values start and end with a plain ASCII character.
    """
    first, last = f"ord({expr})", f"ord(substr({expr}, -1))"
    guard = f"({first} < 33 OR {first} >= 133 OR {last} < 33 OR {last} >= 133)"
    return f"(CASE WHEN {guard} THEN trim({expr}, {lit(PY_WHITESPACE)}) ELSE {expr} END)"


def text(column: str) -> str:
    """A file column as text, whatever type the reader gave it (Parquet and JSON keep theirs)."""
    return f"CAST({ident(column)} AS VARCHAR)"


@dataclass(frozen=True)
class RulePlan:
    """Which file columns feed which rules, resolved once per file layout.

    `columns` maps our field names (email, first_name, last_name, last_activity, unsubscribed,
    marketable and each required field) to the file's headers; absent optional fields are omitted.
    """

    columns: Mapping[str, str]
    required_fields: tuple[str, ...]
    stale_cutoff: date

    @classmethod
    def build(cls, columns: Mapping[str, str], required: Iterable[str], today: date, stale_after_days: int) -> RulePlan:
        return cls(dict(columns), tuple(required), today - timedelta(days=stale_after_days))

    # -- which metrics this file can have ---------------------------------------------------------
    @property
    def metrics(self) -> list[str]:
        """Metric keys in display order; stale and unsubscribed_marketable only when their columns exist."""
        keys = ["duplicates", "invalid_email"]
        keys += [f"missing:{f}" for f in self.required_fields]
        keys += ["role_email", "personal_email", "test_record"]
        if "last_activity" in self.columns:
            keys.append("stale")
        if "unsubscribed" in self.columns and "marketable" in self.columns:
            keys.append("unsubscribed_marketable")
        return keys

    # -- per-row derived values (the `derived` CTE) ---------------------------------------------
    def derived(self) -> list[str]:
        """SELECT items computing the normalised values every predicate reads."""
        c = self.columns
        items = [f"coalesce(lower({strip(text(c['email']))}), '') AS __em"]
        if "first_name" in c or "last_name" in c:
            raw = [f"coalesce({text(c[f])}, '')" if f in c else "''" for f in ("first_name", "last_name")]
            parts = [f"coalesce({strip(text(c[f]))}, '')" if f in c else "''" for f in ("first_name", "last_name")]
            joined = parts[0] + " || ' ' || " + parts[1]
            full_name = f"lower({strip(joined)})"
            # Building the exact name costs three trims a row; only rows holding a word of a test
            # name (a necessary condition, checked case-insensitively) pay for it.
            guard = f"regexp_matches({raw[0]} || ' ' || {raw[1]}, {lit(_NAME_WORDS_RE)})"
            items.append(f"(CASE WHEN {guard} THEN {full_name} ELSE '' END) AS __name")
        else:
            items.append("'' AS __name")
        for i, fieldname in enumerate(self.required_fields):
            items.append(f"coalesce({strip(text(c[fieldname]))}, '') = '' AS __blank{i}")
        if "last_activity" in c:
            items.append(f"substr(coalesce({strip(text(c['last_activity']))}, ''), 1, 10) AS __act")
        for f in ("unsubscribed", "marketable"):
            if f in c:
                items.append(f"coalesce(lower({strip(text(c[f]))}) IN {in_list(q.TRUTHY)}, false) AS __{f}")
        return items

    @staticmethod
    def email_parts() -> list[str]:
        """Second-level values over __em: valid?, the part before the first @, the part after it."""
        return [
            f"regexp_full_match(__em, {lit(EMAIL_RE)}) AS __ok",
            "split_part(__em, '@', 1) AS __local",
            "(CASE WHEN strpos(__em, '@') > 0 THEN substr(__em, strpos(__em, '@') + 1) ELSE '' END) AS __domain",
        ]

    # -- predicates ---------------------------------------------------------------------------------
    def predicate(self, metric: str) -> str:
        """A boolean SQL expression over the derived values: is this row counted under `metric`?

        `duplicates` has no row predicate (it depends on earlier rows); see `count_items` and
        the drill-down query.
        """
        if metric == "invalid_email":
            return "(__em <> '' AND NOT __ok)"
        if metric.startswith("missing:"):
            return f"__blank{self.required_fields.index(metric.split(':', 1)[1])}"
        if metric == "role_email":
            return f"(__ok AND __local IN {in_list(q.ROLE_LOCALPARTS)})"
        if metric == "personal_email":
            return f"(__ok AND __domain IN {in_list(q.PERSONAL_DOMAINS)})"
        if metric == "test_record":
            return (
                f"((__em <> '' AND (__local IN {in_list(q.TEST_LOCALPARTS)} OR __domain IN {in_list(q.TEST_DOMAINS)}"
                f" OR starts_with(__local, 'test+'))) OR __name IN {in_list(q.TEST_NAMES)})"
            )
        if metric == "stale":
            # ISO dates sort as text, so the cheap comparisons go first; the pattern and the cast then
            # weed out non-dates and impossible dates (2024-02-30). Year 0000 is no date in Python.
            return (
                f"(__act >= '0001' AND __act < {lit(self.stale_cutoff.isoformat())}"
                f" AND regexp_full_match(__act, {lit(_ISO_DATE_RE)}) AND try_cast(__act AS DATE) IS NOT NULL)"
            )
        if metric == "unsubscribed_marketable":
            return "(__unsubscribed AND __marketable)"
        raise KeyError(metric)

    def count_items(self) -> list[str]:
        """The aggregate SELECT items of the one-pass count query, in `metrics` order, after `total`."""
        items = ["count(*) AS total"]
        for metric in self.metrics:
            if metric == "duplicates":
                items.append("(count(nullif(__em, '')) - count(DISTINCT nullif(__em, ''))) AS duplicates")
            else:
                items.append(f"count(*) FILTER (WHERE {self.predicate(metric)}) AS {ident(metric)}")
        return items

    def count_sql(self, table: str) -> str:
        """One query, one pass over `table` (a reader expression), every count."""
        return (
            f"WITH d AS (SELECT {', '.join(self.derived())} FROM {table}), "
            f"e AS (SELECT *, {', '.join(self.email_parts())} FROM d) "
            f"SELECT {', '.join(self.count_items())} FROM e"
        )

    def rows_sql(self, table: str, metric: str, output: list[str], limit: int | None = None) -> str:
        """Every offending row of `metric` in file order: `row` (1 = first data row), then `output` columns.

        Duplicates also carry `first_row`, the row that holds the first use of the address.
        """
        cols = ", ".join(ident(c) for c in output)
        row_col = ident(_free_name("row", output))
        base = (
            f"WITH r AS (SELECT *, row_number() OVER () AS __row FROM {table}), "
            f"d AS (SELECT *, {', '.join(self.derived())} FROM r), "
            f"e AS (SELECT *, {', '.join(self.email_parts())} FROM d) "
        )
        tail = f" ORDER BY __row{f' LIMIT {int(limit)}' if limit is not None else ''}"
        if metric == "duplicates":
            first_col = ident(_free_name("first_row", output))
            return (
                base + f", f AS (SELECT *, min(__row) OVER (PARTITION BY __em) AS __first FROM e WHERE __em <> '') "
                f"SELECT __row AS {row_col}, __first AS {first_col}, {cols} FROM f WHERE __row > __first" + tail
            )
        return base + f"SELECT __row AS {row_col}, {cols} FROM e WHERE {self.predicate(metric)}" + tail


def _free_name(name: str, taken: list[str]) -> str:
    """`name`, or `name` with underscores added until no file column is called that."""
    while name in taken:
        name = f"_{name}"
    return name
