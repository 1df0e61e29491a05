"""Parts of split bills (msgCount > 1) waiting for the rest."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from shared.messages.model import CebMessage


@dataclass(frozen=True)
class GroupKey:
    sender_dxp_id: str
    message_type: str
    cop_no: str


@dataclass
class Group:
    key: GroupKey
    msg_count: int
    first_at: datetime
    trace_id: str
    parts: dict[int, CebMessage]


async def add_part(conn: asyncpg.Connection, key: GroupKey, seq: int, count: int, message: CebMessage,
                   trace_id: str) -> bool:
    """Store one part; False when that part number was already received."""
    await conn.execute(
        "INSERT INTO bill_part_groups (sender_dxp_id, message_type, cop_no, msg_count, trace_id) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        key.sender_dxp_id, key.message_type, key.cop_no, count, trace_id)
    done = await conn.fetchval(
        "INSERT INTO bill_parts (sender_dxp_id, message_type, cop_no, msg_seq_no, msg_count, message) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1",
        key.sender_dxp_id, key.message_type, key.cop_no, seq, count, message.model_dump_json())
    return done is not None


async def load(conn: asyncpg.Connection, key: GroupKey, *, lock: bool = False) -> Group | None:
    row = await conn.fetchrow(
        "SELECT msg_count, first_at, trace_id FROM bill_part_groups WHERE sender_dxp_id = $1 AND message_type = $2 "
        "AND cop_no = $3" + (" FOR UPDATE" if lock else ""), key.sender_dxp_id, key.message_type, key.cop_no)
    if row is None:
        return None
    parts = await conn.fetch(
        "SELECT msg_seq_no, message FROM bill_parts WHERE sender_dxp_id = $1 AND message_type = $2 AND cop_no = $3 "
        "ORDER BY msg_seq_no", key.sender_dxp_id, key.message_type, key.cop_no)
    return Group(key, row["msg_count"], row["first_at"], row["trace_id"],
                 {p["msg_seq_no"]: CebMessage.model_validate_json(p["message"]) for p in parts})


async def remove(conn: asyncpg.Connection, key: GroupKey) -> None:
    args = (key.sender_dxp_id, key.message_type, key.cop_no)
    await conn.execute("DELETE FROM bill_parts WHERE sender_dxp_id = $1 AND message_type = $2 AND cop_no = $3", *args)
    await conn.execute("DELETE FROM bill_part_groups WHERE sender_dxp_id = $1 AND message_type = $2 AND cop_no = $3",
                       *args)


async def overdue(conn: asyncpg.Connection, older_than_s: float, now: datetime, limit: int = 100) -> list[GroupKey]:
    """Groups whose first part came longer ago than the timeout, at ``now`` (``shared.clock``: the
    sandbox may have moved it); locked for this transaction."""
    rows = await conn.fetch(
        "SELECT sender_dxp_id, message_type, cop_no FROM bill_part_groups "
        "WHERE first_at < $3::timestamptz - make_interval(secs => $1) ORDER BY first_at LIMIT $2 "
        "FOR UPDATE SKIP LOCKED", older_than_s, limit, now)
    return [GroupKey(r["sender_dxp_id"], r["message_type"], r["cop_no"]) for r in rows]
