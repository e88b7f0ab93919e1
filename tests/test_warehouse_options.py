"""A warehouse source's options as the user writes them: each mistake one line naming the key, and a
password pasted into a postgres `dsn` refused without being repeated."""

from __future__ import annotations

from pathlib import Path

import pytest

from mopstui.config import load_config
from mopstui.core.errors import ConfigError

BASE = '[sources.dw]\nkind = "warehouse"\ntable = "analytics.contacts"\n'


def load(tmp_path: Path, body: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(BASE + body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: sources.dw: ")
    return message.removeprefix(f"{path}: sources.dw: ")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('dialect = "oracle"\n', "dialect: expected one of postgres, snowflake, bigquery, duckdb, got 'oracle'"),
        ('dialect = "postgres"\n', "dsn: required for dialect 'postgres'"),
        ('dialect = "snowflake"\naccount = "acme"\n', "user: required for dialect 'snowflake'"),
        (
            'dialect = "bigquery"\naccount = "acme"\n',
            "account: not a bigquery setting (a bigquery source takes project, location)",
        ),
        ('dialect = "duckdb"\n', "database: required for dialect 'duckdb'"),
    ],
)
def test_each_mistake_names_its_key(tmp_path: Path, body: str, expected: str) -> None:
    assert load(tmp_path, body) == expected


@pytest.mark.parametrize(
    "dsn",
    [
        "host=db.internal dbname=crm user=mops password=Sup3rSecret",
        "host=db.internal password = Sup3rSecret",
        "postgresql://mops:Sup3rSecret@db.internal:5432/crm",
        "postgres://mops:Sup3rSecret@db.internal/crm?sslmode=require",
        "postgresql://db.internal/crm?user=mops&password=Sup3rSecret",
    ],
)
def test_a_password_in_the_dsn_is_refused_and_not_repeated(tmp_path: Path, dsn: str) -> None:
    message = load(tmp_path, f'dialect = "postgres"\ndsn = "{dsn}"\n')
    assert message.startswith("dsn: holds a password; keep it in the keyring")
    assert "Sup3rSecret" not in message


@pytest.mark.parametrize("dsn", ["host=db.internal dbname=crm user=mops", "postgresql://mops@db.internal/crm"])
def test_a_dsn_without_a_password_loads(tmp_path: Path, dsn: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(BASE + f'dialect = "postgres"\ndsn = "{dsn}"\n', encoding="utf-8")
    config = load_config(path)
    assert [s.name for s in config.sources] == ["dw"]
