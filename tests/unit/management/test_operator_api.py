"""The operator API's OpenAPI document: every read and action is there, each needs a bearer credential."""
from __future__ import annotations

from services.management.domain.risk import RiskEngine, RiskRules
from services.management.entrypoints.http import build_app
from services.management.service_layer.declarations import Declarations
from services.management.settings import ManagementSettings


def openapi() -> dict:
    rules = RiskRules.load()
    declarations = Declarations(ManagementSettings.from_env({}), RiskEngine(rules), rules)
    return build_app(pool=None, health=lambda: {"ok": True}, declarations=declarations).openapi()


def test_every_read_and_action_is_documented():
    paths = openapi()["paths"]
    assert {"/lists/{agent_code}/{cop_no}", "/lists", "/bills/{bill_no}", "/inspections",
            "/inspections/{task_id}/result", "/applications", "/applications/{application_id}/approve",
            "/applications/{application_id}/refuse", "/risk-rules", "/summaries", "/summaries/{sum_no}",
            "/summaries/{sum_no}/conclude", "/summaries/{sum_no}/refuse"} <= set(paths)


def test_every_call_but_health_needs_a_bearer_credential():
    doc = openapi()
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer",
        "description": "a token from CBEC_ADMIN_TOKEN or issued by an admin (POST /credentials)"}
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert (op.get("security") == [{"bearer": []}]) == (path != "/health"), (method, path)
