"""``/dead-letters`` on every service's API: browse what the service could not apply (by topic and
reason, paged, counted), read one whole, send it again (one, or in bulk) or discard it with a
reason; every redrive and discard is audited (who — the credential's holder —, when, what, why).
The store and its loop guard are ``shared.db.dead_letters``."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

import asyncpg
from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field, model_validator

from shared.auth import Authenticator, Principal
from shared.db import dead_letters as store
from shared.db.unit_of_work import UnitsOfWork
from shared.paging import AUTH, Page, Paging, errors, paging

log = logging.getLogger(__name__)
TAG = "dead letters"


class DeadLetterSummary(BaseModel):
    id: int
    consumer: str = Field(description="the consumer that could not apply it")
    topic: str = Field(description="where it was read, and where a redrive sends it")
    partition: int
    offset: int
    key: str | None
    size: int = Field(description="the payload's bytes")
    reason: str
    createdAt: datetime
    redrives: int = Field(description="how many times this record had been redriven before it dead-lettered")
    state: Literal["open", "redriven", "discarded"]
    settledBy: str | None
    settledAt: datetime | None


class Header(BaseModel):
    name: str
    value: str


class AuditRecord(BaseModel):
    id: int
    deadLetterId: int
    action: Literal["redrive", "discard"]
    actor: str = Field(description="the credential's holder")
    role: str
    tokenId: str | None
    reason: str
    topic: str
    messageId: str | None = Field(description="the id the redriven record was published with")
    at: datetime


class DeadLetter(DeadLetterSummary):
    headers: list[Header]
    payload: str = Field(description="the record's bytes as text (UTF-8)")
    payloadEncoding: str
    payloadTruncated: bool
    audit: list[AuditRecord]


class Redriven(BaseModel):
    id: int
    topic: str
    messageId: str


class NotRedriven(BaseModel):
    id: int
    why: str


class RedriveOutcome(BaseModel):
    redriven: list[Redriven]
    refused: list[NotRedriven]


class BulkRedrive(BaseModel):
    """Either ``ids``, or a filter (``reason``, ``topic``, ``consumer``: the open dead letters that
    match, oldest first, at most ``limit``)."""

    ids: list[int] | None = Field(default=None, max_length=1000)
    reason: str | None = None
    topic: str | None = None
    consumer: str | None = None
    limit: int = Field(default=100, ge=1, le=1000)

    @model_validator(mode="after")
    def _something_chosen(self) -> BulkRedrive:
        if not self.ids and not (self.reason or self.topic or self.consumer):
            raise ValueError("name the dead letters: ids, or a filter (reason, topic, consumer)")
        return self


class Discard(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="why it is set aside (kept in the audit)")


def _actor(caller: Principal) -> store.Actor:
    return store.Actor(caller.name, caller.role, caller.token_id)


def add_dead_letter_routes(app: FastAPI, pool: asyncpg.Pool, units: UnitsOfWork, auth: Authenticator,
                           redrive_limit: int = 3) -> None:
    """Officers and admins read and act; the actor recorded is the credential's holder."""
    reader = auth.dependency("officer", "admin")
    actor = auth.dependency("officer", "admin", acts=True)

    @app.get("/dead-letters", tags=[TAG], response_model=Page[DeadLetterSummary], responses=errors(*AUTH, 422),
             summary="Dead letters by topic and reason (a part of it, any case), newest first")
    async def list_dead_letters(reason: str | None = Query(None, description="a part of the reason"),
                                topic: str | None = None, consumer: str | None = None,
                                state: Literal["open", "redriven", "discarded"] | None = Query(
                                    None, description="none: all"),
                                page: Paging = paging(50), caller: Principal = reader) -> dict[str, Any]:
        async with pool.acquire() as conn:
            total, items = await store.browse(conn, state=state, reason=reason, topic=topic, consumer=consumer,
                                              offset=page.offset, limit=page.limit)
        return {"total": total, "items": items}

    @app.get("/dead-letters/audit", tags=[TAG], response_model=Page[AuditRecord], responses=errors(*AUTH, 422),
             summary="Who redrove or discarded which dead letter, when and why, newest first")
    async def dead_letter_audit(deadLetterId: int | None = None, page: Paging = paging(50),
                                caller: Principal = reader) -> dict[str, Any]:
        async with pool.acquire() as conn:
            total, items = await store.audit(conn, dead_letter_id=deadLetterId, offset=page.offset, limit=page.limit)
        return {"total": total, "items": items}

    @app.get("/dead-letters/{dead_letter_id}", tags=[TAG], response_model=DeadLetter,
             responses=errors(*AUTH, 404, 422), summary="One dead letter: key, headers, payload, reason, audit")
    async def get_dead_letter(dead_letter_id: int, caller: Principal = reader) -> dict[str, Any]:
        async with pool.acquire() as conn:
            found = await store.inspect(conn, dead_letter_id)
        if found is None:
            raise HTTPException(404, f"no dead letter {dead_letter_id}")
        return found

    async def redrive(ids: list[int], caller: Principal) -> RedriveOutcome:
        async with units() as uow:  # the redriven records leave through the outbox; the relay is woken
            done, refused = await store.redrive(uow, ids, _actor(caller), redrive_limit)
        if done:
            log.warning("dead letters %s redriven by %s", ", ".join(str(d["id"]) for d in done), caller.name)
        return RedriveOutcome.model_validate({"redriven": done, "refused": refused})

    @app.post("/dead-letters/redrive", tags=[TAG], response_model=RedriveOutcome, responses=errors(*AUTH, 422),
              summary="Redrive many: by ids or by filter; what was sent and what was refused (and why)")
    async def redrive_many(body: BulkRedrive, caller: Principal = actor) -> RedriveOutcome:
        ids = body.ids
        if not ids:
            async with pool.acquire() as conn:
                ids = await store.matching(conn, reason=body.reason, topic=body.topic, consumer=body.consumer,
                                           limit=body.limit)
        return await redrive(sorted(set(ids)), caller)

    @app.post("/dead-letters/{dead_letter_id}/redrive", tags=[TAG], response_model=Redriven,
              responses=errors(*AUTH, 404, 422, e409="settled already, or redriven past the limit (the loop guard)"),
              summary="Publish the original record again to its original topic, through the outbox")
    async def redrive_one(dead_letter_id: int, caller: Principal = actor) -> Redriven:
        outcome = await redrive([dead_letter_id], caller)
        if outcome.redriven:
            return outcome.redriven[0]
        why = outcome.refused[0].why
        raise HTTPException(404 if why.startswith("no dead letter") else 409, why)

    @app.post("/dead-letters/{dead_letter_id}/discard", tags=[TAG], response_model=DeadLetter,
              responses=errors(*AUTH, 404, 422, e409="settled already"),
              summary="Set a dead letter aside for good, with the reason")
    async def discard(dead_letter_id: int, body: Discard, caller: Principal = actor) -> dict[str, Any]:
        async with pool.acquire() as conn, conn.transaction():
            try:
                if not await store.discard(conn, dead_letter_id, _actor(caller), body.reason):
                    raise HTTPException(404, f"no dead letter {dead_letter_id}")
            except store.Refused as err:
                raise HTTPException(409, str(err)) from err
        async with pool.acquire() as conn:
            found = await store.inspect(conn, dead_letter_id)
        if found is None:  # pruned in between
            raise HTTPException(404, f"no dead letter {dead_letter_id}")
        log.warning("dead letter %s discarded by %s: %s", dead_letter_id, caller.name, body.reason)
        return found
