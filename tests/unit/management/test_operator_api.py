"""The operator API's OpenAPI document: every read and action is there, actions name the officer."""
from __future__ import annotations

from services.management.domain.risk import RiskEngine, RiskRules
from services.management.entrypoints.http import build_app
from services.management.service_layer.declarations import Declarations
from shared.config import load_settings


def openapi() -> dict:
    rules = RiskRules.load()
    declarations = Declarations(load_settings("management", {}), RiskEngine(rules), rules)
    return build_app(pool=None, health=lambda: {"ok": True}, declarations=declarations).openapi()


def test_every_read_and_action_is_documented():
    paths = openapi()["paths"]
    assert {"/lists/{agent_code}/{cop_no}", "/lists", "/bills/{bill_no}", "/inspections",
            "/inspections/{task_id}/result", "/applications", "/applications/{application_id}/approve",
            "/applications/{application_id}/refuse", "/risk-rules", "/summaries", "/summaries/{sum_no}",
            "/summaries/{sum_no}/conclude", "/summaries/{sum_no}/refuse"} <= set(paths)


def test_actions_require_the_operator_header():
    paths = openapi()["paths"]
    for path in ("/inspections/{task_id}/result", "/applications/{application_id}/approve",
                 "/applications/{application_id}/refuse", "/summaries/{sum_no}/conclude",
                 "/summaries/{sum_no}/refuse"):
        params = paths[path]["post"]["parameters"]
        header = next(p for p in params if p["in"] == "header")
        assert header["name"] == "X-Operator" and header["required"] is True
