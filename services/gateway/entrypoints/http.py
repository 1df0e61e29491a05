"""The gateway's admin API: the enterprise registry, and health."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
from fastapi import FastAPI, HTTPException, Response

from shared.config import Settings
from shared.health import add_health_route
from shared.http_app import service_app
from shared.integrator_docs import add_integrator_docs

from ..adapters import registry
from ..domain.enterprise import Enterprise
from ..service_layer.broker_access import KafkaAccess
from ..service_layer.registration import DxpIdTaken, register


class Registration(Enterprise):
    kafka: KafkaAccess | None = None


def build_app(pool: asyncpg.Pool, settings: Settings, health: Callable[[], dict], on_change: Callable[[], None],
              open_broker_access: Callable[[str], Awaitable[KafkaAccess]] | None = None) -> FastAPI:
    app = service_app(title="cbec gateway admin API", version="1.0",
                      description="Enterprise registry of the clearance service platform.")

    add_health_route(app, health)
    add_integrator_docs(app)  # the topics' contract and the schemas, for integrators

    @app.post("/enterprises", status_code=201, response_model=Registration)
    async def post_enterprise(enterprise: Enterprise, response: Response) -> Registration:
        """Register or update an enterprise; the answer says how its ERP connects to Kafka (in the
        secure profile with a NEW password for its principal, shown only here)."""
        try:
            created = await register(pool, settings, enterprise)
        except DxpIdTaken as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        on_change()
        kafka = None
        if open_broker_access is not None:
            # the ERP can write its inbound and subscribe to its receipt topic as soon as it is registered
            kafka = await open_broker_access(enterprise.dxpId)
        if not created:
            response.status_code = 200
        return Registration(**enterprise.model_dump(), kafka=kafka)

    @app.get("/enterprises", response_model=list[Enterprise])
    async def list_enterprises() -> list[Enterprise]:
        async with pool.acquire() as conn:
            return await registry.all_(conn)

    @app.get("/enterprises/{code}", response_model=Enterprise)
    async def get_enterprise(code: str) -> Enterprise:
        async with pool.acquire() as conn:
            found = await registry.get(conn, code)
        if found is None:
            raise HTTPException(status_code=404, detail=f"no enterprise {code}")
        return found

    return app
