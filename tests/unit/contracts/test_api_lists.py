"""Every service's HTTP API, as its OpenAPI document says: lists page with offset/limit and answer
{"total", "items"}, typed; every call that needs a credential documents its 401 and 403."""
from __future__ import annotations

import pytest
from fastapi import FastAPI

from services.gateway.entrypoints.http import build_app as gateway_app
from services.gateway.settings import GatewaySettings
from services.management.domain.risk import RiskEngine, RiskRules
from services.management.entrypoints.http import build_app as management_app
from services.management.service_layer.declarations import Declarations
from services.management.settings import ManagementSettings
from services.notification.entrypoints.http import build_app as notification_app
from shared.auth import Authenticator
from shared.dead_letters_api import add_dead_letter_routes
from shared.outbox_api import add_outbox_routes


def with_shared_routes(app: FastAPI) -> FastAPI:
    auth = Authenticator("open")
    add_outbox_routes(app, None, lambda: None, auth)
    add_dead_letter_routes(app, None, lambda: None, auth)
    return app


def apps() -> dict[str, FastAPI]:
    rules = RiskRules.load()
    declarations = Declarations(ManagementSettings.from_env({}), RiskEngine(rules), rules)
    return {
        "gateway": gateway_app(None, GatewaySettings.from_env({"CBEC_PROFILE": "open"}), lambda: {"ok": True},
                               lambda: None),
        "management": management_app(pool=None, health=lambda: {"ok": True}, declarations=declarations),
        "notification": notification_app(None, lambda: {"ok": True}),
    }


def resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


@pytest.mark.parametrize("service", ["gateway", "management", "notification"])
def test_lists_page_and_count_and_refusals_are_documented(service):
    doc = with_shared_routes(apps()[service]).openapi()
    lists = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            schema = op["responses"].get("200", op["responses"].get("201", {})).get("content", {}).get(
                "application/json", {}).get("schema", {})
            schema = resolve(doc, schema)
            assert schema.get("type") != "array", f"{method} {path} answers a bare list"
            if method == "get" and set(schema.get("properties", {})) == {"total", "items"}:
                lists.append(path)
                params = {p["name"] for p in op.get("parameters", [])}
                assert {"offset", "limit"} <= params, path
                assert resolve(doc, schema["properties"]["items"]["items"]).get("properties"), f"{path}: untyped items"
            if op.get("security"):
                assert {"401", "403"} <= set(op["responses"]), f"{method} {path}: its refusals are not documented"
    assert {"/dead-letters", "/dead-letters/audit", "/outbox/parked"} <= set(lists)
    expected = {"gateway": {"/enterprises", "/credentials"},
                "management": {"/lists", "/lists/stuck", "/inspections", "/applications", "/summaries"},
                "notification": {"/enterprises/{dxp_id}/receipts", "/enterprises/{dxp_id}/webhook/deliveries",
                                 "/enterprises/{dxp_id}/replays"}}[service]
    assert expected <= set(lists)
