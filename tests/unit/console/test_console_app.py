"""The console's own API and its proxy, against fake upstream services (httpx's MockTransport)."""
from __future__ import annotations

import json
from datetime import timedelta

import httpx
from fastapi.testclient import TestClient

from services.console.entrypoints.http import STATIC, build_app, named_flows
from services.console.settings import ConsoleSettings
from shared.auth import Authenticator
from shared.status_names import kind_name

KEY = "k" * 40


def issue_jwt(key: str, role: str, name: str, ttl: timedelta = timedelta(hours=1)) -> str:
    """A credential as the gateway issues it (shared/auth.py, the one way)."""
    return Authenticator("secure", key).issue(role, name, "DXP1" if role == "enterprise" else None, ttl).token


def console(handler, **env) -> TestClient:
    settings = ConsoleSettings.from_env({"CBEC_AUTH_KEY": KEY, **env})
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return TestClient(build_app(settings, client))


def bearer(role: str, name: str = "someone") -> dict:
    return {"Authorization": f"Bearer {issue_jwt(KEY, role, name)}"}


def test_upstreams_default_to_the_local_ports_and_follow_the_environment():
    s = ConsoleSettings.from_env({})
    assert s.http_port == 8084
    assert s.upstreams == {"gateway": "http://127.0.0.1:8080", "management": "http://127.0.0.1:8081",
                           "notification": "http://127.0.0.1:8082", "monitor": "http://127.0.0.1:8083"}
    s = ConsoleSettings.from_env({"MANAGEMENT_HTTP_PORT": "9181", "CBEC_MONITOR_URL": "http://flows:8083/",
                               "CONSOLE_HTTP_PORT": "9184"})
    assert s.upstreams["management"] == "http://127.0.0.1:9181" and s.upstreams["monitor"] == "http://flows:8083"
    assert s.http_port == 9184


def test_the_proxy_passes_credentials_query_and_body_and_masks_for_the_role():
    seen = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"head": {"buyerTelephone": "13812345678"}})

    app = console(upstream)
    officer = bearer("officer", "officer-li")
    resp = app.post("/api/management/applications/7/approve?x=1", json={"note": "ok"},
                    headers={**officer, "X-Operator": "officer-li", "Cookie": "not=forwarded"})
    assert resp.status_code == 200 and resp.json() == {"head": {"buyerTelephone": "13812345678"}}
    sent = seen[-1]
    assert str(sent.url) == "http://127.0.0.1:8081/applications/7/approve?x=1"
    assert sent.headers["authorization"] == officer["Authorization"] and sent.headers["x-operator"] == "officer-li"
    assert "cookie" not in sent.headers and json.loads(sent.content) == {"note": "ok"}
    masked = app.get("/api/notification/enterprises/DXP1/receipts", headers=bearer("enterprise"))
    assert masked.json() == {"head": {"buyerTelephone": "*******5678"}}
    assert str(seen[-1].url).startswith("http://127.0.0.1:8082/enterprises/DXP1/receipts")


def test_the_services_answers_come_back_as_they_are():
    app = console(lambda r: httpx.Response(403, json={"detail": "officers only"}))
    resp = app.post("/api/management/inspections/1/result", json={"result": "pass"}, headers=bearer("enterprise"))
    assert resp.status_code == 403 and resp.json() == {"detail": "officers only"}


def test_a_token_the_console_can_check_and_refuses_is_a_401_before_any_service_is_asked():
    asked = []
    app = console(lambda r: asked.append(r) or httpx.Response(200, json={}))
    forged = issue_jwt("x" * 40, "officer", "mallory")
    for auth in (f"Bearer {forged}", "Bearer not-a-token", "Basic abc"):
        resp = app.get("/api/management/lists", headers={"Authorization": auth})
        assert resp.status_code == 401 and "refused" in resp.json()["detail"]
    assert asked == []
    assert app.get("/console/session", headers=bearer("officer", "officer-li")).json()["role"] == "officer"


def test_an_unknown_service_and_an_unreachable_one_are_said_so():
    def down(request):
        raise httpx.ConnectError("refused")
    app = console(down)
    assert app.get("/api/registry/x").status_code == 404
    resp = app.get("/api/monitor/flows/")
    assert resp.status_code == 502 and "did not answer" in resp.json()["detail"]


def test_expired_tokens_and_the_admin_token():
    expired = issue_jwt(KEY, "officer", "li", ttl=timedelta(seconds=-1))
    app = console(lambda r: httpx.Response(200, json={}), CBEC_ADMIN_TOKEN="the-admin-token")
    resp = app.get("/console/session", headers={"Authorization": f"Bearer {expired}"})
    assert resp.status_code == 401 and "ExpiredSignature" in resp.json()["detail"]
    assert app.get("/console/session", headers={"Authorization": "Bearer the-admin-token"}).json()["role"] == "admin"
    assert app.get("/console/session").json()["role"] is None
    assert console(lambda r: httpx.Response(200), CBEC_PROFILE="open").get("/console/session").json()["role"] == "open"
    # nothing to check it with: the services decide, the console masks
    blind = TestClient(build_app(ConsoleSettings.from_env({}), httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"buyerTelephone": "13812345678"})))))
    seen = blind.get("/api/management/lists", headers={"Authorization": "Bearer anything"})
    assert seen.status_code == 200 and seen.json() == {"buyerTelephone": "*******5678"}
    assert blind.get("/console/session", headers={"Authorization": "Bearer anything"}).json()["verified"] is False


def test_the_pages_and_their_assets_are_served_from_the_package():
    app = console(lambda r: httpx.Response(200))
    assert "operators' console" in app.get("/").text
    shipped = sorted(f.name for f in STATIC.iterdir() if f.is_file())
    assert {"app.js", "api.js", "flows.js", "find.js", "queues.js", "stuck.js", "deadletters.js", "ui.js",
            "console.css"} <= set(shipped)
    for asset in shipped:
        assert app.get(f"/static/{asset}").status_code == 200, asset
    assert app.get("/static/..%2Fsettings.py").status_code == 404
    # nothing is loaded from the internet: every asset names only the console's own paths
    # every page's module is imported by the shell
    assert all(f'./{name}' in app.get("/static/app.js").text for name in shipped if name.endswith(".js") and name != "app.js"
               and name not in ("api.js", "ui.js"))
    for asset in ["", *(f"static/{name}" for name in shipped)]:
        assert "://" not in app.get(f"/{asset}").text, asset


def test_flows_are_named_from_the_one_table():
    assert kind_name("CEB604:500") == "CEB604 500 held for inspection"
    assert kind_name("CEB606:399") == "CEB606 399 cancelled"
    assert kind_name("CEB900:-1") == "CEB900 -1 format error: the message could not be read"
    assert kind_name("unreadable") == "unreadable receipt"
    rows = named_flows({"receipts_total": {"CEB604:500": 3, "CEB604:2": 5}, "receipts_this_minute": {"CEB604:2": 1},
                        "dead_letters_this_minute": {"unregistered sender": 2}})
    assert rows["receipts"][0] == {"kind": "CEB604:2", "type": "CEB604", "status": "2",
                                   "name": "CEB604 2 accepted by the platform", "thisMinute": 1, "total": 5}
    assert rows["receipts"][1]["thisMinute"] == 0
    assert rows["deadLetters"] == [{"reason": "unregistered sender", "thisMinute": 2}]
