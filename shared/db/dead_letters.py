"""Dead letters: the records a service could not apply, kept with their reason until an operator
sends them again (redrive) or sets them aside (discard).

A redrive re-publishes the original record — key, bytes, headers — to the topic it was read from,
through the service's outbox, in the transaction that marks the dead letter redriven and writes
the audit record: it is published exactly once, whoever retries the call. It goes out with a new
``cbec-message-id`` (the outbox's; the inbox took the old one when the record dead-lettered) and
with ``cbec-redrive-count`` one higher: a record that dead-letters again carries its count into
its new dead letter (``redrives``), and past ``limit`` it is refused (:class:`Refused`, the API's
409) — the loop guard. On an enterprise's topic that header is the sender's to set like any other:
it can only make its own record refuse a redrive sooner.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from shared.db.outbox import OutgoingMessage
from shared.db.unit_of_work import UnitOfWork
from shared.ids import time_ordered_uuid
from shared.kafka.headers import MESSAGE_ID as MESSAGE_ID_HEADER
from shared.kafka.headers import REDRIVE_COUNT as REDRIVE_COUNT_HEADER
from shared.kafka.headers import REDRIVEN_FROM as REDRIVEN_FROM_HEADER
from shared.kafka.received import HeaderPairs, RawRecord
from shared.text import storable, truncated

# what a redrive does not carry over: the old message id (the outbox gives a new one), the old count
NOT_CARRIED = {MESSAGE_ID_HEADER, REDRIVE_COUNT_HEADER, REDRIVEN_FROM_HEADER}
STATES = ("open", "redriven", "discarded")
PAYLOAD_TEXT_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Actor:
    """Who acts, as the credential says (``shared.auth.Principal`` has these fields)."""

    name: str
    role: str
    token_id: str | None = None


class Refused(Exception):
    """The dead letter cannot be redriven or discarded (already settled, or past the loop guard)."""


def _text(value: bytes | None) -> str:
    return value.decode("utf-8", "replace") if value is not None else ""


def redrives_of(headers: HeaderPairs | None) -> int:
    """How many times a record had been redriven, as its ``cbec-redrive-count`` header says."""
    for key, value in headers or ():
        if key == REDRIVE_COUNT_HEADER:
            try:
                return max(0, min(int(_text(value).strip()), 1_000_000))
            except ValueError:
                return 0
    return 0


async def record(conn: asyncpg.Connection, consumer: str, rec: RawRecord, reason: str) -> int:
    """Keep a record that could not be applied, with its reason (in the caller's transaction).
    Headers are kept as text PostgreSQL can store (a sender's NUL bytes escaped)."""
    headers = [[storable(truncated(k, 256)), storable(truncated(_text(v), 4000))] for k, v in rec.headers or ()]
    reason = storable(truncated(reason, 4000))
    dead_letter_id: int = await conn.fetchval(
        'INSERT INTO dead_letters (consumer, topic, partition, "offset", key, value, reason, headers, redrives) '
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        consumer, rec.topic, rec.partition, rec.offset, rec.key, rec.value, reason,
        headers, redrives_of(rec.headers))
    return dead_letter_id


SUMMARY = ('id, consumer, topic, partition, "offset", key, octet_length(value) AS size, reason, created_at, '
           "redrives, state, settled_by, settled_at")


def _where(state: str | None, reason: str | None, topic: str | None, consumer: str | None,
           ids: list[int] | None = None) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    for column, value in (("state", state), ("topic", topic), ("consumer", consumer)):
        if value:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if reason:
        args.append(reason)
        where.append(f"strpos(lower(reason), lower(${len(args)})) > 0")
    if ids is not None:
        args.append(ids)
        where.append(f"id = ANY(${len(args)}::bigint[])")
    return (" WHERE " + " AND ".join(where)) if where else "", args


def summary(r: asyncpg.Record) -> dict[str, Any]:
    return {"id": r["id"], "consumer": r["consumer"], "topic": r["topic"], "partition": r["partition"],
            "offset": r["offset"], "key": _text(r["key"]) if r["key"] is not None else None, "size": r["size"] or 0,
            "reason": r["reason"], "createdAt": r["created_at"], "redrives": r["redrives"], "state": r["state"],
            "settledBy": r["settled_by"], "settledAt": r["settled_at"]}


async def browse(conn: asyncpg.Connection, *, state: str | None = None, reason: str | None = None,
                 topic: str | None = None, consumer: str | None = None, offset: int = 0,
                 limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """How many match, and one page of them, newest first (without their bodies)."""
    where, args = _where(state, reason, topic, consumer)
    total = await conn.fetchval(f"SELECT count(*) FROM dead_letters{where}", *args)
    rows = await conn.fetch(f"SELECT {SUMMARY} FROM dead_letters{where} ORDER BY id DESC "
                            f"OFFSET ${len(args) + 1} LIMIT ${len(args) + 2}", *args, offset, limit)
    return total, [summary(r) for r in rows]


async def matching(conn: asyncpg.Connection, *, reason: str | None, topic: str | None, consumer: str | None,
                   limit: int) -> list[int]:
    """The ids of the open dead letters a bulk redrive by filter takes, oldest first."""
    where, args = _where("open", reason, topic, consumer)
    return [r["id"] for r in await conn.fetch(f"SELECT id FROM dead_letters{where} ORDER BY id LIMIT ${len(args) + 1}",
                                              *args, limit)]


async def inspect(conn: asyncpg.Connection, dead_letter_id: int) -> dict[str, Any] | None:
    """One dead letter whole: key, headers, payload as text, reason, when, and what was done with it."""
    r = await conn.fetchrow(f"SELECT {SUMMARY}, value, headers FROM dead_letters WHERE id = $1", dead_letter_id)
    if r is None:
        return None
    value = r["value"] or b""
    try:
        value.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "binary (not UTF-8: shown with replacement characters)"
    _, actions = await audit(conn, dead_letter_id=dead_letter_id, limit=100)
    return {**summary(r), "headers": [{"name": k, "value": v} for k, v in r["headers"]],
            "payload": _text(value[:PAYLOAD_TEXT_LIMIT]), "payloadEncoding": encoding,
            "payloadTruncated": len(value) > PAYLOAD_TEXT_LIMIT, "audit": actions}


async def redrive(uow: UnitOfWork, ids: list[int], actor: Actor, limit: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Send the open dead letters ``ids`` again (in the caller's unit of work): what was redriven
    (id, topic, the new message id) and what was refused (id, why)."""
    conn = uow.conn
    rows = await conn.fetch('SELECT id, topic, key, value, headers, redrives, state, settled_by FROM dead_letters '
                            "WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE", ids)
    found = {r["id"] for r in rows}
    refused = [{"id": i, "why": f"no dead letter {i}"} for i in ids if i not in found]
    done, outgoing, audit_rows = [], [], []
    for r in rows:
        if r["state"] != "open":
            refused.append({"id": r["id"], "why": f"dead letter {r['id']} is {r['state']} already "
                                                  f"(by {r['settled_by']})"})
            continue
        if r["redrives"] >= limit:
            refused.append({"id": r["id"], "why": f"dead letter {r['id']} has been redriven {r['redrives']} times "
                                                  f"and dead-lettered again each time (the limit is {limit}): fix "
                                                  "its cause and discard it, or send a corrected record"})
            continue
        headers = [(k, v) for k, v in r["headers"] if k not in NOT_CARRIED]
        headers += [(REDRIVE_COUNT_HEADER, str(r["redrives"] + 1)), (REDRIVEN_FROM_HEADER, str(r["id"]))]
        message = OutgoingMessage(topic=r["topic"], key=r["key"], value=r["value"] or b"", headers=headers,
                                  message_id=time_ordered_uuid())
        outgoing.append(message)
        audit_rows.append((r["id"], r["topic"], message.message_id))
        done.append({"id": r["id"], "topic": r["topic"], "messageId": str(message.message_id)})
    if outgoing:
        uow.emit_all(outgoing)
        await _settle(conn, [a[0] for a in audit_rows], "redriven", actor)
        await conn.executemany(
            "INSERT INTO dead_letter_actions (dead_letter_id, action, actor, role, token_id, topic, message_id) "
            "VALUES ($1, 'redrive', $2, $3, $4, $5, $6)",
            [(i, actor.name, actor.role, actor.token_id, topic, mid) for i, topic, mid in audit_rows])
    return done, sorted(refused, key=lambda x: x["id"])


async def discard(conn: asyncpg.Connection, dead_letter_id: int, actor: Actor, reason: str) -> bool:
    """Set an open dead letter aside for good, with the reason; False if there is none;
    :class:`Refused` if it is settled already."""
    r = await conn.fetchrow("SELECT topic, state, settled_by FROM dead_letters WHERE id = $1 FOR UPDATE",
                            dead_letter_id)
    if r is None:
        return False
    if r["state"] != "open":
        raise Refused(f"dead letter {dead_letter_id} is {r['state']} already (by {r['settled_by']})")
    await _settle(conn, [dead_letter_id], "discarded", actor)
    await conn.execute("INSERT INTO dead_letter_actions (dead_letter_id, action, actor, role, token_id, reason, topic) "
                       "VALUES ($1, 'discard', $2, $3, $4, $5, $6)",
                       dead_letter_id, actor.name, actor.role, actor.token_id, reason, r["topic"])
    return True


async def _settle(conn: asyncpg.Connection, ids: list[int], state: str, actor: Actor) -> None:
    await conn.execute("UPDATE dead_letters SET state = $2, settled_by = $3, settled_at = now() "
                       "WHERE id = ANY($1::bigint[])", ids, state, actor.name)


async def audit(conn: asyncpg.Connection, *, dead_letter_id: int | None = None, offset: int = 0,
                limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """What operators did with dead letters, newest first: who, when, what, why."""
    where, args = ("", []) if dead_letter_id is None else (" WHERE dead_letter_id = $1", [dead_letter_id])
    total = await conn.fetchval(f"SELECT count(*) FROM dead_letter_actions{where}", *args)
    rows = await conn.fetch("SELECT id, dead_letter_id, action, actor, role, token_id, reason, topic, message_id, at "
                            f"FROM dead_letter_actions{where} ORDER BY id DESC "
                            f"OFFSET ${len(args) + 1} LIMIT ${len(args) + 2}", *args, offset, limit)
    return total, [{"id": r["id"], "deadLetterId": r["dead_letter_id"], "action": r["action"], "actor": r["actor"],
                    "role": r["role"], "tokenId": r["token_id"], "reason": r["reason"], "topic": r["topic"],
                    "messageId": str(r["message_id"]) if r["message_id"] else None, "at": r["at"]}
                   for r in rows]
