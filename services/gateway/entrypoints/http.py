"""The gateway's admin API: the enterprise registry, credentials, and health.

Registering and changing certificates are admin actions; officers read the registry; an
enterprise reads its own entry (shared/auth.py).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

import asyncpg
from fastapi import FastAPI, HTTPException, Query, Response
from pydantic import BaseModel, Field

from shared.auth import Authenticator, Principal
from shared.db.unit_of_work import UnitsOfWork
from shared.health import add_health_route
from shared.http_app import service_app
from shared.integrator_docs import add_integrator_docs
from shared.paging import AUTH, Page, Paging, errors, paging

from ..adapters import registry
from ..domain.enterprise import Enterprise
from ..service_layer import credentials
from ..service_layer.broker_access import KafkaAccess
from ..service_layer.registration import RegistrationRefused, register
from ..settings import GatewaySettings


class CredentialRequest(BaseModel):
    role: Literal["admin", "officer", "enterprise"]
    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.@ -]+$",
                      description="who holds it: recorded as the actor of what it does")
    dxpId: str | None = Field(default=None, description="an enterprise credential's own DXP id")
    ttlDays: float = Field(default=90, gt=0, le=3650)


class Registration(Enterprise):
    kafka: KafkaAccess | None = None


class IssuedCredential(BaseModel):
    token: str = Field(description="shown only now; the gateway keeps its SHA-256")
    tokenId: str
    role: str
    name: str
    dxpId: str | None
    expiresAt: str


class CredentialRecord(BaseModel):
    tokenId: str
    role: str
    name: str
    dxpId: str | None
    issuedBy: str
    issuedAt: str
    expiresAt: str
    revokedAt: str | None = None
    revokedBy: str | None = None
    revokeReason: str | None = None


def build_app(pool: asyncpg.Pool, settings: GatewaySettings, health: Callable[[], dict], units: UnitsOfWork,
              open_broker_access: Callable[[str], Awaitable[KafkaAccess]] | None = None,
              auth: Authenticator | None = None) -> FastAPI:
    app = service_app(title="cbec gateway admin API", version="1.1",
                      description="Enterprise registry of the clearance service platform (bearer tokens: admin "
                                  "registers and issues credentials).")
    auth = auth or Authenticator.from_settings(settings)
    admin = auth.dependency("admin")
    reader = auth.dependency("admin", "officer", "enterprise")

    add_health_route(app, health)
    add_integrator_docs(app)  # the topics' contract and the schemas, for integrators

    @app.post("/enterprises", status_code=201, response_model=Registration,
              responses=errors(*AUTH, 409, 422, e409="the code or DXP id belongs to another enterprise"))
    async def post_enterprise(enterprise: Enterprise, response: Response,
                              transfer: bool = Query(False, description="move an existing code to a new DXP id"),
                              caller: Principal = admin) -> Registration:
        """Register or update an enterprise (an admin's act); the answer says how its ERP connects to
        Kafka (in the secure profile with a NEW password for its principal, shown only here)."""
        try:
            created = await register(units, settings, enterprise, actor=caller.name, transfer=transfer)
        except RegistrationRefused as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        kafka = None
        if open_broker_access is not None:
            # the ERP can write its inbound and subscribe to its receipt topic as soon as it is registered
            kafka = await open_broker_access(enterprise.dxpId)
        if not created:
            response.status_code = 200
        return Registration(**enterprise.model_dump(), kafka=kafka)

    @app.get("/enterprises", response_model=Page[Enterprise], responses=errors(*AUTH, 422),
             summary="The registered enterprises, by code")
    async def list_enterprises(page: Paging = paging(100),
                               caller: Principal = auth.dependency("admin", "officer")) -> Page[Enterprise]:
        async with pool.acquire() as conn:
            total, items = await registry.page(conn, page.offset, page.limit)
        return Page[Enterprise](total=total, items=items)

    @app.get("/enterprises/{code}", response_model=Enterprise, responses=errors(*AUTH, 404))
    async def get_enterprise(code: str, caller: Principal = reader) -> Enterprise:
        async with pool.acquire() as conn:
            found = await registry.get(conn, code)
        if found is None or not caller.may_act_for(found.dxpId):
            raise HTTPException(status_code=404, detail=f"no enterprise {code}")
        return found

    @app.post("/credentials", status_code=201, summary="Issue a credential (the token is shown only now)",
              response_model=IssuedCredential,
              responses=errors(*AUTH, 404, 422, e404="no enterprise with that DXP id"))
    async def post_credential(body: CredentialRequest, caller: Principal = admin) -> dict:
        try:
            issued = await credentials.issue(units, auth, role=body.role, name=body.name, dxp_id=body.dxpId,
                                             ttl_days=body.ttlDays, issued_by=caller.name)
        except credentials.UnknownEnterprise as exc:
            raise HTTPException(404, str(exc)) from exc
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        return {"token": issued.token, "tokenId": issued.token_id, "role": issued.role, "name": issued.name,
                "dxpId": issued.dxp_id, "expiresAt": issued.expires_at.isoformat()}

    @app.get("/credentials", summary="Credentials issued (never the tokens), revoked ones with who and when",
             response_model=Page[CredentialRecord], responses=errors(*AUTH, 422))
    async def get_credentials(offset: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=1000),
                              revoked: bool | None = Query(None, description="only the revoked (true) or the "
                                                                             "valid (false) ones"),
                              dxpId: str | None = Query(None, description="only an enterprise's"),
                              caller: Principal = admin) -> dict:
        return await credentials.listed(pool, offset=offset, limit=limit, revoked=revoked, dxp_id=dxpId)

    @app.delete("/credentials/{token_id}", summary="Revoke one credential: every service refuses it from now on",
                response_model=CredentialRecord, responses=errors(*AUTH, 404, 422))
    async def delete_credential(token_id: str, reason: str = Query("", max_length=500),
                                caller: Principal = auth.dependency("admin", acts=True)) -> dict:
        """The credential stays listed, with who revoked it and when; revoking it again changes nothing."""
        revoked = await credentials.revoke(units, settings, token_id, revoked_by=caller.name, reason=reason)
        if revoked is None:
            raise HTTPException(404, f"no credential {token_id}")
        return revoked

    return app
