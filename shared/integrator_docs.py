"""The integration contract over HTTP, offline: the AsyncAPI document (JSON and a readable page)
and the schemas (the official XSDs, the JSON Schemas of the JSON twin).

    add_integrator_docs(app)   # GET /asyncapi, /asyncapi.json, /schemas/, /schemas/202205/{xsd|json}/{file}

Everything is built from the package (no CDN, no file outside it), once, on first request.
"""
from __future__ import annotations

import functools
import html
import json
from importlib import resources
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response

from shared.kafka.asyncapi import build_document
from shared.messages.json_schema import EDITION, all_roots, schema_for

_XSD_FILES = ("ceb-export-202205.xsd", "ceb-import-202205.xsd", "ceb-terminal-202205.xsd",
              "ceb-transfer-202205.xsd", "xmldsig-core-schema.xsd")


@functools.cache
def _document() -> dict[str, Any]:
    return build_document()


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _headers_table(message: dict[str, Any]) -> str:
    props = message.get("headers", {}).get("properties", {})
    if not props:
        return ""
    rows = "".join(f"<tr><td><code>{_e(name)}</code></td><td>{_e(p.get('description', ''))}</td></tr>"
                   for name, p in props.items())
    return f"<table><tr><th>header</th><th>meaning</th></tr>{rows}</table>"


def _payload(message: dict[str, Any], schemas: dict[str, Any]) -> str:
    payload = message.get("payload", {})
    ref = payload.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        link = (f' — <a href="/schemas/{EDITION}/json/{_e(name)}.schema.json">{_e(name)}.schema.json</a>'
                if name in all_roots() else "")
        body = json.dumps(schemas.get(name, {}), indent=2, ensure_ascii=False)
        return f"<details><summary>payload schema {_e(name)}{link}</summary><pre>{_e(body)}</pre></details>"
    docs = message.get("externalDocs", {})
    if docs:
        file = docs["url"].rsplit("/", 1)[1]
        return f'<p>payload: {_e(payload.get("description", ""))} (<a href="/schemas/{EDITION}/xsd/{_e(file)}">{_e(file)}</a>)</p>'
    return f"<p>payload: {_e(payload.get('description', payload.get('type', '')))}</p>"


def render_asyncapi_html(document: dict[str, Any]) -> str:
    """A self-contained page of the AsyncAPI document: channels, operations, every message."""
    schemas = document["components"]["schemas"]
    messages = document["components"]["messages"]
    channel_rows = "".join(
        f"<tr><td><code>{_e(c['address'])}</code></td><td>{_e(c.get('title', ''))}</td>"
        f"<td>{_e(c.get('description', ''))}</td><td>{len(c.get('messages', {}))}</td></tr>"
        for c in document["channels"].values())
    operation_rows = "".join(
        f"<tr><td>{_e(op_id)}</td><td>{_e(op['action'])}</td>"
        f"<td><code>{_e(document['channels'][op['channel']['$ref'].rsplit('/', 1)[1]]['address'])}</code></td>"
        f"<td>{_e(op.get('summary', ''))}</td></tr>"
        for op_id, op in document["operations"].items())
    sections = []
    for name, m in messages.items():
        key = m.get("bindings", {}).get("kafka", {}).get("key", {}).get("description", "")
        sections.append(
            f'<section id="{_e(name)}"><h3>{_e(name)}</h3><p>{_e(m.get("title", ""))}'
            f'{" · " + _e(m["contentType"]) if "contentType" in m else ""}</p>'
            f'<p>{_e(m.get("summary", ""))}</p><p>key: {_e(key)}</p>{_headers_table(m)}{_payload(m, schemas)}</section>')
    info = document["info"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(info['title'])}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}}
table{{border-collapse:collapse;margin:.5rem 0 1rem}}td,th{{border:1px solid #d0d7de;padding:.25rem .5rem;
text-align:left;vertical-align:top}}code,pre{{background:#f6f8fa}}pre{{padding:.5rem;overflow:auto;max-height:30rem}}
section{{border-top:1px solid #d0d7de;margin-top:1rem}}
</style></head><body>
<h1>{_e(info['title'])} <small>AsyncAPI {_e(document['asyncapi'])}, version {_e(info['version'])}</small></h1>
<p>{_e(info.get('description', ''))}</p>
<p><a href="/asyncapi.json">asyncapi.json</a> · <a href="/schemas/">schemas</a></p>
<h2>Channels</h2><table><tr><th>topic</th><th>title</th><th>what</th><th>messages</th></tr>{channel_rows}</table>
<h2>Operations (from the platform's side)</h2>
<table><tr><th>operation</th><th>action</th><th>topic</th><th>summary</th></tr>{operation_rows}</table>
<h2>Messages</h2>{''.join(sections)}
</body></html>
"""


def _xsd(file: str) -> bytes:
    if file not in _XSD_FILES:
        raise HTTPException(status_code=404, detail=f"no schema {file!r}; see /schemas/")
    return resources.files("shared.messages").joinpath("xsd", file).read_bytes()


def add_integrator_docs(app: FastAPI) -> None:
    @app.get("/asyncapi.json", tags=["contract"], summary="The AsyncAPI 3.0 document of the topics")
    async def get_asyncapi_json() -> JSONResponse:
        return JSONResponse(_document())

    @app.get("/asyncapi", tags=["contract"], summary="The AsyncAPI document as a page", response_class=HTMLResponse)
    async def get_asyncapi_page() -> HTMLResponse:
        return HTMLResponse(_page())

    @app.get("/schemas/", tags=["contract"], summary="The schemas an integrator validates against")
    async def get_schemas() -> dict[str, Any]:
        return {"edition": EDITION,
                "xsd": [f"/schemas/{EDITION}/xsd/{f}" for f in _XSD_FILES],
                "json": [f"/schemas/{EDITION}/json/{root}.schema.json" for root in all_roots()]}

    @app.get(f"/schemas/{EDITION}/xsd/{{file}}", tags=["contract"], summary="An official XSD")
    async def get_xsd(file: str) -> Response:
        return Response(_xsd(file), media_type="application/xml")

    @app.get(f"/schemas/{EDITION}/json/{{root}}.schema.json", tags=["contract"], summary="A JSON Schema of the JSON twin")
    async def get_json_schema(root: str) -> JSONResponse:
        if root not in all_roots():
            raise HTTPException(status_code=404, detail=f"no message {root!r}; see /schemas/")
        return JSONResponse(schema_for(root), media_type="application/schema+json")


@functools.cache
def _page() -> str:
    return render_asyncapi_html(_document())
