"""The contract is served over HTTP without the internet: AsyncAPI page and JSON, XSDs, JSON Schemas."""
from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from lxml import etree

from shared.integrator_docs import add_integrator_docs
from shared.kafka.asyncapi import build_document
from shared.messages.json_schema import schema_for


def _client() -> TestClient:
    app = FastAPI()
    add_integrator_docs(app)
    return TestClient(app)


def test_the_asyncapi_page_lists_every_topic_and_message_and_loads_nothing_from_elsewhere():
    page = _client().get("/asyncapi")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    document = build_document()
    for channel in document["channels"].values():
        assert channel["address"] in page.text
    for name in document["components"]["messages"]:
        assert f'id="{name}"' in page.text
    assert "http://" not in page.text.replace("http://127.0.0.1", "").replace("http://www.chinaport.gov.cn", "")
    assert "<script" not in page.text


def test_the_asyncapi_document_is_served_as_json():
    assert _client().get("/asyncapi.json").json() == json.loads(json.dumps(build_document()))


def test_every_schema_the_index_names_is_served():
    client = _client()
    index = client.get("/schemas/").json()
    for url in index["xsd"]:
        resp = client.get(url)
        assert resp.status_code == 200
        etree.fromstring(resp.content)  # a well-formed schema
    for url in index["json"]:
        resp = client.get(url)
        root = url.rsplit("/", 1)[1].removesuffix(".schema.json")
        assert resp.json() == schema_for(root)


def test_an_unknown_schema_is_a_404_not_a_file_read():
    client = _client()
    assert client.get("/schemas/202205/xsd/..%2F..%2Fconfig.py").status_code == 404
    assert client.get("/schemas/202205/json/CEB999Message.schema.json").status_code == 404


def test_every_services_docs_page_loads_its_assets_from_the_service_itself():
    from shared.http_app import service_app

    app = service_app(title="t", version="1")
    client = TestClient(app)
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "unpkg" not in page.text
    src = page.text.split('src="', 1)[1].split('"', 1)[0]
    assert src.startswith("/") and client.get(src).status_code == 200
