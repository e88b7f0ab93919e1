"""Snowflake and BigQuery at the driver boundary: what the source asks of each driver, and what it
makes of the answers, with the driver modules replaced by fakes shaped like their documented APIs.

Snowflake: snowflake-connector-python's `connect(**params)`, `cursor.execute_async` / `sfqid` /
`get_results_from_sfqid` ("Performing an asynchronous query"), `SYSTEM$CANCEL_QUERY`, and the
`QUERY_HISTORY_BY_SESSION` table function's CREDITS_USED_CLOUD_SERVICES and BYTES_SCANNED.
BigQuery: google-cloud-bigquery's `Client(project=, location=, credentials=)`, `get_table(id).schema`,
`query(sql, job_config=, job_id_prefix=)` returning a QueryJob with `result(page_size=)`, `pages`,
`total_bytes_processed`, `cache_hit`, `job_id` and `cancel()`.
"""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from mopstui.adapters.warehouse import WarehouseOptions, WarehouseSource, dialects
from mopstui.core.errors import SourceError
from mopstui.core.source import SourceContext

TODAY = date(2026, 1, 1)
HEADER = ["EMAIL", "FIRST_NAME", "LAST_NAME", "COUNTRY", "UPDATED_AT", "UNSUBSCRIBED", "MARKETABLE"]
COLUMNS = {
    "email": "EMAIL",
    "first_name": "FIRST_NAME",
    "last_name": "LAST_NAME",
    "country": "COUNTRY",
    "last_activity": "UPDATED_AT",
    "unsubscribed": "UNSUBSCRIBED",
    "marketable": "MARKETABLE",
}
SECRET = "hunter2-s3cr3t"


def _row_for(sql: str, dialect: str) -> tuple[int, ...]:
    """A count query's answer, as wide as its SELECT list: the total, then 1, 2, 3... per metric."""
    import sqlglot

    width = len(sqlglot.parse_one(sql, read=dialect).expressions)
    return (1000, *range(1, width))


# -- Snowflake ------------------------------------------------------------------------------------
class SnowCursor:
    def __init__(self, conn: SnowConn) -> None:
        self.conn = conn
        self.description: list[tuple[str, ...]] | None = None
        self.sfqid = ""
        self._rows: list[tuple[Any, ...]] = []

    def execute_async(self, sql: str) -> None:
        self.conn.sent.append(sql)
        if self.conn.refuse:
            raise RuntimeError(self.conn.refuse)
        self.sfqid = f"01b2-{len(self.conn.sent)}"
        if "LIMIT 0" in sql.upper():
            self.description = [(name, 2) for name in HEADER]
            self._rows = []
        elif "COUNT(" in sql.upper():
            self.description = [("TOTAL", 0)]
            self._rows = [_row_for(sql, "snowflake")]
        else:
            self.description = [(name, 2) for name in HEADER[:3]]
            self._rows = [(f"a{i}@x.com", "A", "B") for i in range(120)]

    def get_results_from_sfqid(self, query_id: str) -> None:
        assert query_id == self.sfqid

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> SnowCursor:
        self.conn.sent.append(sql)
        self.conn.params.append(params)
        if "QUERY_HISTORY_BY_SESSION" in sql.upper():
            self._rows = [(0.000123, 52_428_800)] if self.conn.history else []
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, n: int) -> list[tuple[Any, ...]]:
        out, self._rows = self._rows[:n], self._rows[n:]
        return out


class SnowConn:
    def __init__(self, params: dict[str, Any], refuse: str, history: bool) -> None:
        self.params_given = params
        self.sent: list[str] = []
        self.params: list[tuple[Any, ...]] = []
        self.refuse, self.history = refuse, history
        self.closed = False

    def cursor(self) -> SnowCursor:
        return SnowCursor(self)

    def close(self) -> None:
        self.closed = True


class SnowAccount(list[SnowConn]):
    """The connections opened, newest last; `refuse` (a compilation error for every query) and
    `history` (the query history has caught up) hold for the connections opened from then on."""

    refuse = ""
    history = True


@pytest.fixture
def snowflake(monkeypatch: pytest.MonkeyPatch) -> SnowAccount:
    """A fake `snowflake.connector`."""
    opened = SnowAccount()
    connector = types.ModuleType("snowflake.connector")

    def connect(**params: Any) -> SnowConn:
        if params.get("password") == "wrong":
            raise RuntimeError(f"250001: Incorrect username or password was specified for {params['user']}.")
        opened.append(SnowConn(params, opened.refuse, opened.history))
        return opened[-1]

    connector.connect = connect  # type: ignore[attr-defined]
    package = types.ModuleType("snowflake")
    package.connector = connector  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snowflake", package)
    monkeypatch.setitem(sys.modules, "snowflake.connector", connector)
    return opened


def snow_source(secrets: dict[str, str], **kw: Any) -> WarehouseSource:
    options = WarehouseOptions(
        dialect="snowflake",
        table="ANALYTICS.CRM.CONTACTS",
        columns=COLUMNS,
        required_fields=["email", "country"],
        account="acme-xy12345",
        user="MOPS_READER",
        warehouse="REPORTING_XS",
        role="MOPS",
        **kw,
    )
    context = SourceContext(secret=lambda field: secrets.get(field, ""))
    return WarehouseSource("dw", options, context, today=lambda: TODAY)


def test_snowflake_count_is_one_tagged_query_and_its_credits_are_shown(snowflake: SnowAccount) -> None:
    source = snow_source({"password": SECRET})
    metrics = asyncio.run(source.fetch_quality())
    conn = snowflake[-1]
    given = conn.params_given
    assert given["account"] == "acme-xy12345" and given["warehouse"] == "REPORTING_XS" and given["role"] == "MOPS"
    assert given["session_parameters"] == {"QUERY_TAG": "mopstui"} and given["application"] == "mopstui"
    counts = [s for s in conn.sent if "COUNT(" in s.upper() and "HISTORY" not in s.upper()]
    assert len(counts) == 1  # one aggregate query, nothing else fetched
    assert counts[0] == dialects.count_sql(_plan_of(source, conn), "ANALYTICS.CRM.CONTACTS", "snowflake")
    assert [m.count for m in metrics] == list(range(1, len(metrics) + 1))
    assert all(m.total == 1000 for m in metrics)
    assert conn.params[-1] == ("01b2-2",)  # the history asked for this query's id
    assert source.health.endswith("· 52.4 MB scanned · 0.000123 credits")
    assert conn.closed


def _wrap(conn: SnowConn, query_id: str = "") -> Any:
    """A SnowflakeConnection over a fake connection that is already open."""
    from mopstui.adapters.warehouse.snowflake import SnowflakeConnection

    wrapped = SnowflakeConnection.__new__(SnowflakeConnection)
    wrapped.conn, wrapped.where, wrapped.query_id = conn, "dw", query_id
    return wrapped


def _plan_of(source: WarehouseSource, conn: SnowConn) -> Any:
    return source._plan(_wrap(conn))[1]


def test_snowflake_history_lag_leaves_the_cost_unknown(snowflake: SnowAccount) -> None:
    source = snow_source({"password": SECRET})
    snowflake.history = False
    asyncio.run(source.fetch_quality())
    assert "credits" not in source.health and "rows counted" in source.health


def test_snowflake_pem_key_is_sent_as_der_and_no_password(snowflake: SnowAccount) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    asyncio.run(snow_source({"private_key": pem}).fetch_quality())
    given = snowflake[-1].params_given
    assert "password" not in given
    assert isinstance(given["private_key"], bytes) and given["private_key"].startswith(b"\x30")  # DER: a SEQUENCE


def test_snowflake_without_a_secret_says_which_to_set(snowflake: SnowAccount) -> None:
    with pytest.raises(SourceError) as caught:
        asyncio.run(snow_source({}).fetch_quality())
    assert "mopstui auth set dw private_key" in str(caught.value)
    assert not snowflake  # nothing was attempted


def test_snowflake_refusals_are_one_line_without_the_secret(snowflake: SnowAccount) -> None:
    with pytest.raises(SourceError) as caught:
        asyncio.run(snow_source({"password": "wrong"}).fetch_quality())
    message = str(caught.value)
    assert "cannot connect to Snowflake" in message and "Incorrect username" in message
    assert "\n" not in message and "wrong" not in message.replace("Incorrect", "")

    source = snow_source({"password": SECRET})
    snowflake.refuse = "002003 (42S02): SQL compilation error:\nObject 'ANALYTICS.CRM.CONTACTS' does not exist."
    with pytest.raises(SourceError) as caught:
        asyncio.run(source.fetch_quality())
    assert str(caught.value).endswith("Snowflake refused the query (002003 (42S02): SQL compilation error:)")
    assert SECRET not in str(caught.value)


def test_snowflake_drilldown_is_limited_and_cancel_names_the_query(snowflake: SnowAccount) -> None:
    source = snow_source({"password": SECRET})
    names, rows = asyncio.run(source.sample_rows("invalid_email"))
    assert len(rows) == 50 and names == HEADER[:3]
    sample_sql = snowflake[-1].sent[-1]
    assert "LIMIT 50" in sample_sql.upper()

    _wrap(snowflake[-1], "01b2-9").cancel()
    assert snowflake[-1].sent[-1] == "SELECT SYSTEM$CANCEL_QUERY(%s)" and snowflake[-1].params[-1] == ("01b2-9",)


# -- BigQuery -------------------------------------------------------------------------------------
class Field:
    def __init__(self, name: str) -> None:
        self.name = name


class Row:
    def __init__(self, values: tuple[Any, ...]) -> None:
        self._values = values

    def values(self) -> tuple[Any, ...]:
        return self._values


class Result:
    def __init__(self, rows: list[tuple[Any, ...]], names: list[str], page_size: int | None) -> None:
        self.rows, self.schema, self.page_size = rows, [Field(n) for n in names], page_size

    def __iter__(self) -> Iterator[Row]:
        return (Row(r) for r in self.rows)

    @property
    def pages(self) -> Iterator[list[Row]]:
        size = self.page_size or len(self.rows) or 1
        for i in range(0, len(self.rows), size):
            yield [Row(r) for r in self.rows[i : i + size]]


class QueryJob:
    def __init__(self, client: BigClient, sql: str, prefix: str) -> None:
        self.client, self.sql = client, sql
        self.job_id = f"{prefix}{len(client.queries)}"
        self.total_bytes_processed = 3_500_000_000
        self.cache_hit = False
        self.cancelled = False

    def result(self, page_size: int | None = None) -> Result:
        if "COUNT(" in self.sql.upper():
            return Result([_row_for(self.sql, "bigquery")], ["total"], page_size)
        return Result([(f"a{i}@x.com", "A") for i in range(75)], ["email", "first_name"], page_size)

    def cancel(self) -> None:
        self.cancelled = True


class BigClient:
    def __init__(self, project: str | None = None, location: str | None = None, credentials: Any = None) -> None:
        if project is None and credentials is None:
            raise RuntimeError(
                "Your default credentials were not found. To set up Application Default Credentials, see\n"
                "https://cloud.google.com/docs/authentication/external/set-up-adc for more information."
            )
        self.project, self.location, self.credentials = project, location, credentials
        self.queries: list[tuple[str, Any, str]] = []
        self.tables: list[str] = []
        self.closed = False

    def get_table(self, table_id: str) -> Any:
        self.tables.append(table_id)
        return types.SimpleNamespace(schema=[Field(n.lower()) for n in HEADER])

    def query(self, sql: str, job_config: Any = None, job_id_prefix: str = "") -> QueryJob:
        self.queries.append((sql, job_config, job_id_prefix))
        return QueryJob(self, sql, job_id_prefix)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def bigquery(monkeypatch: pytest.MonkeyPatch) -> list[BigClient]:
    """Fake `google.cloud.bigquery` and `google.oauth2.service_account`; the clients made, newest last."""
    made: list[BigClient] = []
    module = types.ModuleType("google.cloud.bigquery")

    def client(**kw: Any) -> BigClient:
        made.append(BigClient(**kw))
        return made[-1]

    module.Client = client  # type: ignore[attr-defined]
    module.QueryJobConfig = lambda **kw: types.SimpleNamespace(**kw)  # type: ignore[attr-defined]
    account = types.ModuleType("google.oauth2.service_account")

    class Credentials:
        @staticmethod
        def from_service_account_info(info: dict[str, Any]) -> Any:
            if info.get("type") != "service_account":
                raise ValueError("Service account info was not in the expected format, missing fields client_email.")
            return types.SimpleNamespace(email=info["client_email"])

    account.Credentials = Credentials  # type: ignore[attr-defined]
    for name, mod in (
        ("google", types.ModuleType("google")),
        ("google.cloud", types.ModuleType("google.cloud")),
        ("google.oauth2", types.ModuleType("google.oauth2")),
        ("google.cloud.bigquery", module),
        ("google.oauth2.service_account", account),
    ):
        monkeypatch.setitem(sys.modules, name, mod)
    return made


KEY = '{"type": "service_account", "project_id": "acme-dw", "client_email": "mops@acme-dw.iam.gserviceaccount.com"}'


def big_source(secrets: dict[str, str], **kw: Any) -> WarehouseSource:
    kw.setdefault("columns", {k: v.lower() for k, v in COLUMNS.items()})
    kw.setdefault("required_fields", ["email", "country"])
    options = WarehouseOptions(dialect="bigquery", table="crm.contacts", **kw)
    context = SourceContext(secret=lambda field: secrets.get(field, ""))
    return WarehouseSource("bq", options, context, today=lambda: TODAY)


def test_bigquery_count_is_one_labelled_job_and_its_bytes_are_shown(bigquery: list[BigClient]) -> None:
    source = big_source({"credentials_json": KEY}, location="EU")
    metrics = asyncio.run(source.fetch_quality())
    client = bigquery[-1]
    assert client.project == "acme-dw" and client.location == "EU"  # the key's project, the option's location
    assert client.credentials.email.startswith("mops@")
    assert client.tables == ["acme-dw.crm.contacts"]  # columns from metadata: no query billed
    assert len(client.queries) == 1
    sql, config, prefix = client.queries[0]
    assert config.labels == {"tool": "mopstui"} and prefix == "mopstui_"
    assert sqlglot_parses(sql, "bigquery")
    assert [m.count for m in metrics] == list(range(1, len(metrics) + 1))
    assert source.health.endswith("· 3.5 GB scanned")
    assert source.last_cost is not None and source.last_cost.query_id == "mopstui_1"
    assert client.closed


def sqlglot_parses(sql: str, dialect: str) -> bool:
    import sqlglot

    return sqlglot.parse_one(sql, read=dialect) is not None


def test_bigquery_uses_application_default_credentials_without_a_key(bigquery: list[BigClient]) -> None:
    asyncio.run(big_source({}, project="acme-dw").fetch_quality())
    assert bigquery[-1].credentials is None and bigquery[-1].project == "acme-dw"


def test_bigquery_without_any_credentials_is_one_line(bigquery: list[BigClient]) -> None:
    with pytest.raises(SourceError) as caught:
        asyncio.run(big_source({}).fetch_quality())
    message = str(caught.value)
    assert message.startswith("crm.contacts (bigquery, source bq): cannot reach BigQuery (Your default credentials")
    assert "\n" not in message


def test_bigquery_bad_key_is_named_without_printing_it(bigquery: list[BigClient]) -> None:
    for bad in ('{"type": "authorized_user", "private_key": "' + SECRET + '"}', "not json " + SECRET):
        with pytest.raises(SourceError) as caught:
            asyncio.run(big_source({"credentials_json": bad}).fetch_quality())
        assert "credentials_json secret is not a service-account key" in str(caught.value)
        assert SECRET not in str(caught.value)


def test_bigquery_drilldown_pages_and_cancel_cancels_the_job(bigquery: list[BigClient], tmp_path: Path) -> None:
    source = big_source({"credentials_json": KEY})
    names, rows = asyncio.run(source.sample_rows("role_email"))
    assert names == ["email", "first_name"] and len(rows) == 50
    assert "LIMIT 50" in bigquery[-1].queries[-1][0].upper()
    written = asyncio.run(source.export_rows("role_email", tmp_path / "out.csv"))
    assert written == 75 and (tmp_path / "out.csv").read_text().count("\n") == 76

    from mopstui.adapters.warehouse.bigquery import BigQueryConnection

    wrapped = BigQueryConnection.__new__(BigQueryConnection)
    job = QueryJob(bigquery[-1], "SELECT 1", "mopstui_")
    wrapped.job = job
    wrapped.cancel()
    assert job.cancelled


# -- missing drivers ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dialect", "module", "extra", "kw"),
    [
        ("snowflake", "snowflake.connector", "snowflake", {"account": "a", "user": "u"}),
        ("bigquery", "google.cloud.bigquery", "bigquery", {"project": "p"}),
        ("postgres", "psycopg", "postgres", {"dsn": "host=db dbname=crm"}),
    ],
)
def test_a_missing_driver_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, dialect: str, module: str, extra: str, kw: dict[str, str]
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # an import of it now raises ImportError
    options = WarehouseOptions(dialect=dialect, table="crm.contacts", **kw)
    source = WarehouseSource("dw", options, SourceContext(secret=lambda f: "pw"), today=lambda: TODAY)
    with pytest.raises(SourceError) as caught:
        asyncio.run(source.fetch_quality())
    assert str(caught.value) == (
        f"the {dialect} driver ({module}) is not installed; run: pip install 'mopstui[{extra}]'"
    )


# -- cancelling between statements ----------------------------------------------------------------
def test_a_cancel_between_two_statements_stops_the_second() -> None:
    """The engine cancels only the statement running then: one that comes while the columns are
    read (and which that statement finishes anyway) must still keep the count from running."""
    import threading

    reading, cancelled = threading.Event(), threading.Event()
    ran: list[str] = []

    class Quick:
        def columns(self, table: str) -> list[str]:
            ran.append("columns")
            reading.set()
            cancelled.wait(10)  # the cancel lands now, and this statement ends normally
            return ["email", "country"]

        def fetch_one(self, sql: str) -> Any:
            ran.append("count")
            return (1, 0, 0, 0, 0, 0, 0), None

        def stream(self, sql: str, batch: int) -> Any:
            raise AssertionError("not used")

        def cancel(self) -> None:
            ran.append("cancel")

        def close(self) -> None:
            ran.append("close")

    options = WarehouseOptions(dialect="duckdb", table="crm.contacts", database="dw.duckdb")
    source = WarehouseSource("dw", options, today=lambda: TODAY, connect=Quick)

    async def run() -> None:
        task = asyncio.create_task(source.fetch_quality())
        await asyncio.to_thread(reading.wait, 10)
        await source.aclose()  # what the cockpit does when it quits
        cancelled.set()
        with pytest.raises(SourceError, match="query cancelled"):
            await task

    asyncio.run(run())
    assert ran == ["columns", "cancel", "close"]  # the count never ran


# -- DuckDB, the one driver installed with mopstui -------------------------------------------------
def test_duckdb_count_without_a_row_or_refused_is_one_line_naming_the_source(tmp_path: Path) -> None:
    import duckdb

    from mopstui.adapters.warehouse.duck import DuckConnection

    database = tmp_path / "dw.duckdb"
    duckdb.connect(str(database)).execute("CREATE TABLE contacts (email VARCHAR)").close()
    conn = DuckConnection(str(database), "dw")
    try:
        assert conn.fetch_one("SELECT count(*) FROM contacts")[0] == (0,)
        with pytest.raises(SourceError) as no_row:
            conn.fetch_one("SELECT 1 FROM contacts WHERE false")
        assert str(no_row.value) == "dw: the count query answered no row"
        with pytest.raises(SourceError) as refused:
            conn.fetch_one("SELECT nope FROM contacts")
        assert str(refused.value).startswith("dw: DuckDB refused the query (")
        assert "\n" not in str(refused.value)
    finally:
        conn.close()
