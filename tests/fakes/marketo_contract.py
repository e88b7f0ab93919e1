"""Requests checked against Adobe's own Swagger 2.0 descriptions of Marketo (tests/contracts/marketo/).

`violations(request)` says what is wrong with one request: an operation the Swagger does not have
(method + path template under basePath), a path parameter of the wrong type, a required query
parameter missing, an unknown one, a value of the wrong type or outside its enum, a body its
schema refuses. openapi-core reads only OpenAPI 3, hence jsonschema for the bodies.

`LEDGER` counts every request the fake Marketo checks; `swagger_contract` (an autouse fixture once
imported into a test module) fails a test that sent a request outside the Swagger, and reports the
count of the whole run at the end.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jsonschema
import pytest

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts" / "marketo"
SPECS = ("swagger-identity.json", "swagger-asset.json", "swagger-mapi.json")
INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
Param = Mapping[str, Any]


@dataclass(frozen=True)
class Operation:
    """One Swagger operation, with what checking a request against it needs."""

    spec: str
    method: str
    template: str
    pattern: re.Pattern[str]
    parameters: tuple[Param, ...]
    consumes: tuple[str, ...]
    definitions: Mapping[str, Any]

    @property
    def name(self) -> str:
        return f"{self.template} in {self.spec}"

    def params_in(self, where: str) -> dict[str, Param]:
        return {p["name"]: p for p in self.parameters if p.get("in") == where}


def _errata(spec_name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Where Adobe's Swagger contradicts Adobe's own page, the page wins, one erratum each:
    - ExportLeadFilter lists all six filters as required, while bulk-lead-extract.md, "Filters",
      says "Each export job can use only one filter type" (and its sample sends only createdAt)."""
    definitions = spec.get("definitions", {})
    if spec_name == "swagger-mapi.json" and "ExportLeadFilter" in definitions:
        definitions["ExportLeadFilter"] = {
            **definitions["ExportLeadFilter"],
            "required": [],
            "minProperties": 1,
            "maxProperties": 1,
        }
    return spec


@lru_cache(maxsize=1)
def operations() -> tuple[Operation, ...]:
    """Every operation of the three files, literal paths before templated ones (byName before {id})."""
    found: list[Operation] = []
    for spec_name in SPECS:
        spec = _errata(spec_name, json.loads((CONTRACTS / spec_name).read_text(encoding="utf-8")))
        base = spec.get("basePath", "/").rstrip("/")
        for template, item in spec["paths"].items():
            shared = item.get("parameters", [])
            for method, op in item.items():
                if method == "parameters":
                    continue
                found.append(
                    Operation(
                        spec=spec_name,
                        method=method,
                        template=base + template,
                        pattern=_template_pattern(base + template),
                        parameters=tuple(shared) + tuple(op.get("parameters", [])),
                        consumes=tuple(op.get("consumes", spec.get("consumes", ["application/json"]))),
                        definitions=spec.get("definitions", {}),
                    )
                )
    return tuple(sorted(found, key=lambda o: o.template.count("{")))


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{([^}]+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(regex)


def find_operation(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    for op in operations():
        match = op.pattern.fullmatch(path)
        if op.method == method.lower() and match:
            return op, match.groupdict()
    return None


def violations(request: httpx.Request) -> list[str]:
    """What makes `request` fall outside Adobe's Swagger ([] when it is a valid call)."""
    where = f"{request.method} {request.url.path}"
    found = find_operation(request.method, request.url.path)
    if found is None:
        return [f"{where}: no such operation in Adobe's Swagger"]
    op, path_values = found
    declared = op.params_in("path")
    problems = [
        _bad_value(declared[name], value) if name in declared else f"path parameter {name!r} undeclared"
        for name, value in path_values.items()
    ]
    problems += _query_problems(op, request.url.params.multi_items())
    problems += _header_problems(op, request.headers)
    problems += _body_problems(op, request)
    return [f"{where} ({op.name}): {p}" for p in problems if p]


def _query_problems(op: Operation, items: list[tuple[str, str]]) -> list[str | None]:
    declared = op.params_in("query")
    problems: list[str | None] = [f"unknown query parameter {k!r}" for k in dict(items) if k not in declared]
    for name, param in declared.items():
        values = [v for k, v in items if k == name]
        if not values:
            problems.append(f"required query parameter {name!r} missing" if param.get("required") else None)
        elif len(values) > 1 and param.get("collectionFormat") != "multi":
            problems.append(f"query parameter {name!r} given {len(values)} times")
        else:
            problems += [_bad_value(param, v) for v in _split(param, values)]
    return problems


def _header_problems(op: Operation, headers: httpx.Headers) -> list[str | None]:
    return [
        f"required header {name!r} missing"
        for name, p in op.params_in("header").items()
        if p.get("required") and name not in headers
    ]


def _split(param: Param, values: list[str]) -> list[str]:
    """The items of an array parameter (csv unless `multi`), else the one value."""
    if param.get("type") != "array":
        return values
    if param.get("collectionFormat") == "multi":
        return values
    return [item for v in values for item in v.split(",")]


def _bad_value(param: Param, raw: str) -> str | None:
    """Why the text `raw` is not a value of this path, query or form parameter (None when it is)."""
    schema = param.get("items", param) if param.get("type") == "array" else param
    kind, name = schema.get("type"), param["name"]
    if "enum" in schema and raw not in [str(e) for e in schema["enum"]]:
        return f"{name}={raw!r} is not one of {schema['enum']}"
    if kind == "integer":
        low, high = INT_RANGES.get(schema.get("format", "int64"), INT_RANGES["int64"])
        if not re.fullmatch(r"-?\d+", raw) or not low <= int(raw) <= high:
            return f"{name}={raw!r} is not an {schema.get('format', 'integer')}"
    if kind == "boolean" and raw not in ("true", "false"):
        return f"{name}={raw!r} is not a boolean (true or false)"
    if kind == "string" and _is_datetime(param) and not _parses_as_datetime(raw):
        return f"{name}={raw!r} is not an ISO-8601 date-time"
    return None


def _is_datetime(param: Param) -> bool:
    """`format: date-time`, or the asset API's way of saying it in the description."""
    return param.get("format") == "date-time" or "ISO-8601" in str(param.get("description", ""))


def _parses_as_datetime(raw: str) -> bool:
    try:
        datetime.fromisoformat(raw)
    except ValueError:
        return False
    return True


def _body_problems(op: Operation, request: httpx.Request) -> list[str | None]:
    content = request.content
    body_param = next(iter(op.params_in("body").values()), None)
    form_params = op.params_in("formData")
    if not content:
        required = [p["name"] for p in (body_param, *form_params.values()) if p and p.get("required")]
        return [f"required body parameter {name!r} missing" for name in required]
    if body_param is None and not form_params:
        return [f"a body ({len(content)} bytes) where the operation takes none"]
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in op.consumes:
        return [f"body sent as {media or 'no content type'}; the operation consumes {list(op.consumes)}"]
    if media == "application/json":
        return _schema_problems(op, body_param, _json_or_none(content))
    if media == "application/x-www-form-urlencoded":
        fields = dict(parse_qsl(content.decode("utf-8", "replace"), keep_blank_values=True))
        if body_param is not None:
            return _schema_problems(op, body_param, _form_to_json(op, body_param, fields))
        unknown = [f"unknown form field {k!r}" for k in fields if k not in form_params]
        return unknown + [
            _bad_value(p, fields[n])
            if n in fields
            else (f"required form field {n!r} missing" if p.get("required") else None)
            for n, p in form_params.items()
        ]
    return [f"body sent as {media}: the checker reads only JSON and form bodies"]


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return _NOT_JSON


_NOT_JSON = object()


FORMATS = jsonschema.FormatChecker(formats=())
# jsonschema checks date-time only with an extra package: the same ISO-8601 test as the query's
FORMATS.checks("date-time")(lambda value: not isinstance(value, str) or _parses_as_datetime(value))


def _schema_problems(op: Operation, param: Param | None, body: Any) -> list[str | None]:
    if param is None:
        return ["a JSON body where the operation takes form fields"]
    if body is _NOT_JSON:
        return ["the body is not JSON"]
    schema = {**param.get("schema", {}), "definitions": op.definitions}
    validator = jsonschema.Draft4Validator(schema, format_checker=FORMATS)
    return [
        f"body {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    ]


def _form_to_json(op: Operation, param: Param, fields: dict[str, str]) -> dict[str, Any]:
    """Form fields typed as the body schema says: numbers, booleans, and JSON for objects and arrays."""
    properties = _resolve(op, param.get("schema", {})).get("properties", {})
    out: dict[str, Any] = {}
    for name, text in fields.items():
        kind = _resolve(op, properties.get(name, {})).get("type")
        out[name] = _typed(kind, text)
    return out


def _typed(kind: str | None, text: str) -> Any:
    try:
        if kind == "integer" and re.fullmatch(r"-?\d+", text):
            return int(text)
        if kind == "number":
            return float(text)
        if kind == "boolean" and text in ("true", "false"):
            return text == "true"
        if kind in ("object", "array"):
            return json.loads(text)
    except ValueError:
        pass
    return text


def _resolve(op: Operation, schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/definitions/"):
        return _resolve(op, op.definitions.get(ref.removeprefix("#/definitions/"), {}))
    return schema


@dataclass
class Ledger:
    """Every request checked this run; `pending` holds, one line per request, the violations no
    test has owned up to yet."""

    checked: int = 0
    invalid: int = 0
    expected: int = 0
    pending: list[str] = field(default_factory=list)

    def record(self, request: httpx.Request) -> list[str]:
        found = violations(request)
        self.checked += 1
        if found:
            self.invalid += 1
            self.pending.append("; ".join(found))
        return found

    def take(self) -> list[str]:
        """The invalid requests recorded since the last check, for a test that sends them on purpose."""
        taken, self.pending = self.pending, []
        self.expected += len(taken)
        return taken

    def summary(self) -> str:
        on_purpose = f"; {self.expected} more sent off-contract on purpose, and flagged" if self.expected else ""
        valid_or_not = self.checked - self.expected
        return f"{valid_or_not} Marketo requests validated against the Swagger, {self.invalid - self.expected} invalid{on_purpose}"


LEDGER = Ledger()
PLUGIN = "marketo-swagger-summary"


class _Summary:
    """Writes the run's figure under pytest's own summary."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_line(LEDGER.summary())


@pytest.fixture(autouse=True)
def swagger_contract(request: pytest.FixtureRequest) -> Iterator[Ledger]:
    """Fails the test if the fake Marketo received any request outside Adobe's Swagger."""
    if not request.config.pluginmanager.has_plugin(PLUGIN):
        request.config.pluginmanager.register(_Summary(), PLUGIN)
    LEDGER.pending.clear()
    yield LEDGER
    left, LEDGER.pending = LEDGER.pending, []
    assert not left, "requests outside Adobe's Marketo Swagger:\n" + "\n".join(left)
