"""A webhook receiver as an ERP would run one: checks the signature, records what it got, and can
be told to fail (HTTP 500) or hang for a while. Every body it gets is checked against the official
schema; one that breaks it fails the test when the receiver closes."""
from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass, field

from fastapi import FastAPI, Request, Response

from services.notification.domain import webhook_signature as sig
from shared.runtime import http_server
from tests.support.receipt_checks import check_receipt


@dataclass
class Hit:
    receipt_id: str
    attempt: int
    business_key: str
    return_status: str
    message_type: str
    body: bytes
    signed_ok: bool
    at: float
    traceparent: str = ""


@dataclass
class WebhookReceiver:
    secret: str = ""
    hits: list[Hit] = field(default_factory=list)  # every request, failed or not
    accepted: list[Hit] = field(default_factory=list)  # those answered 2xx
    invalid: list[str] = field(default_factory=list)  # receipts that break the official schema
    failing: bool = False
    hang_s: float = 0.0
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            body = await request.body()
            h = request.headers
            hit = Hit(h.get(sig.RECEIPT_ID_HEADER, ""), int(h.get(sig.ATTEMPT_HEADER, "0")),
                      h.get("X-CBEC-Business-Key", ""), h.get("X-CBEC-Return-Status", ""),
                      h.get("X-CBEC-Message-Type", ""), body,
                      sig.verify(self.secret, h.get(sig.TIMESTAMP_HEADER, ""), body, h.get(sig.SIGNATURE_HEADER, ""),
                                 now=time.time()), time.monotonic(), h.get("traceparent", ""))
            self.hits.append(hit)
            try:
                check_receipt(body)
            except Exception as err:
                self.invalid.append(f"{hit.receipt_id}: {type(err).__name__}: {err}")
            if self.hang_s:
                await asyncio.sleep(self.hang_s)
            if self.failing:
                return Response(status_code=503, content=b"down for maintenance")
            if not hit.signed_ok:
                return Response(status_code=401, content=b"bad signature")
            self.accepted.append(hit)
            return Response(status_code=204)

        return app

    async def __aenter__(self) -> WebhookReceiver:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._server = http_server(self.app(), "127.0.0.1", self.port)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *exc) -> None:
        self._server.should_exit = True
        self._server.force_exit = True  # do not wait for requests left hanging on purpose
        try:
            await asyncio.wait_for(self._task, 5)
        except (TimeoutError, asyncio.CancelledError):
            pass
        assert not self.invalid, f"webhook receipts break the official schema: {self.invalid[:3]}"

    async def wait_for(self, predicate, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() > deadline:
                raise AssertionError(f"webhook receiver: condition not met in {timeout}s; "
                                     f"{len(self.hits)} hits, {len(self.accepted)} accepted")
            await asyncio.sleep(0.05)
