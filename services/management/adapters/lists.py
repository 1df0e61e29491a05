"""Lists, their earlier versions and their history in management's schema."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg
from pydantic_core import to_json


@dataclass
class StoredList:
    id: int
    agent_code: str
    cop_no: str
    pre_no: str
    invt_no: str
    status: str
    customs_code: str
    port_code: str
    ebc_code: str
    ebp_code: str
    logistics_code: str
    logistics_no: str
    order_no: str
    trade_mode: str
    bill_no: str | None
    declarant_dxp: str
    receipt_format: str
    head: dict
    items: list
    version: int
    waiting_for: str
    arrived_at: datetime | None
    decision_round: int

    @property
    def exit_customs(self) -> str:
        """The customs of the exit port, which reports arrival and departure (customs transit)."""
        return self.port_code or self.customs_code

    @property
    def numbered_head(self) -> dict:
        """The head as customs knows it: with the numbers customs assigned."""
        return {**self.head, "preNo": self.pre_no, "invtNo": self.invt_no}


COLUMNS = ("id, agent_code, cop_no, pre_no, invt_no, status, customs_code, port_code, ebc_code, ebp_code, "
           "logistics_code, logistics_no, order_no, trade_mode, bill_no, declarant_dxp, "
           "receipt_format, head, items, version, waiting_for, arrived_at, decision_round")


def _row(r: asyncpg.Record) -> StoredList:
    return StoredList(**dict(r))


async def by_id(conn: asyncpg.Connection, list_id: int) -> StoredList | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM lists WHERE id = $1 FOR UPDATE", list_id)
    return _row(r) if r else None


async def live_by_business_key(conn: asyncpg.Connection, agent_code: str, cop_no: str) -> StoredList | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM lists WHERE agent_code = $1 AND cop_no = $2 "
                            "AND status NOT IN ('cancelled', '100') FOR UPDATE", agent_code, cop_no)
    return _row(r) if r else None


async def latest_by_business_key(conn: asyncpg.Connection, agent_code: str, cop_no: str) -> StoredList | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM lists WHERE agent_code = $1 AND cop_no = $2 "
                            "ORDER BY id DESC LIMIT 1 FOR UPDATE", agent_code, cop_no)
    return _row(r) if r else None


async def by_invt_no(conn: asyncpg.Connection, invt_no: str) -> StoredList | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM lists WHERE invt_no = $1 FOR UPDATE", invt_no)
    return _row(r) if r else None


async def by_invt_nos(conn: asyncpg.Connection, invt_nos: list[str]) -> dict[str, StoredList]:
    """The lists with these numbers, locked (in id order, as every batch locks), in one query."""
    if not invt_nos:
        return {}
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM lists WHERE invt_no = ANY($1::text[]) ORDER BY id FOR UPDATE",
                            sorted(set(invt_nos)))
    return {r["invt_no"]: _row(r) for r in rows}


async def live_by_logistics_no(conn: asyncpg.Connection, logistics_no: str) -> StoredList | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM lists WHERE logistics_no = $1 "
                            "AND status NOT IN ('cancelled', '100') ORDER BY id DESC LIMIT 1 FOR UPDATE", logistics_no)
    return _row(r) if r else None


async def waiting_for_order(conn: asyncpg.Connection, ebp_code: str, order_no: str) -> list[StoredList]:
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM lists WHERE ebp_code = $1 AND order_no = $2 AND status = '120' "
                            "ORDER BY id FOR UPDATE", ebp_code, order_no)
    return [_row(r) for r in rows]


async def waiting_for_waybill(conn: asyncpg.Connection, logistics_code: str, logistics_no: str) -> list[StoredList]:
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM lists WHERE logistics_code = $1 AND logistics_no = $2 "
                            "AND status = '120' ORDER BY id FOR UPDATE", logistics_code, logistics_no)
    return [_row(r) for r in rows]


async def of_bill(conn: asyncpg.Connection, bill_no: str) -> list[StoredList]:
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM lists WHERE bill_no = $1 ORDER BY id FOR UPDATE", bill_no)
    return [_row(r) for r in rows]


def _columns_of(head: dict) -> tuple:
    return (head.get("customsCode", ""), head.get("portCode", ""), head.get("ebcCode", ""), head.get("ebpCode", ""),
            head.get("logisticsCode", ""), head.get("logisticsNo", ""), head.get("orderNo", ""),
            head.get("tradeMode", ""))


async def insert(conn: asyncpg.Connection, *, head: dict, items: list, pre_no: str, invt_no: str, status: str,
                 declarant_dxp: str, receipt_format: str) -> int:
    return await conn.fetchval(
        "INSERT INTO lists (agent_code, cop_no, pre_no, invt_no, status, customs_code, port_code, ebc_code, "
        "ebp_code, logistics_code, logistics_no, order_no, trade_mode, bill_no, declarant_dxp, receipt_format, "
        "head, items) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,NULLIF($14,''),$15,$16,$17,$18) RETURNING id",
        head.get("agentCode", ""), head.get("copNo", ""), pre_no, invt_no, status, *_columns_of(head),
        head.get("billNo", ""), declarant_dxp, receipt_format, head, items,
    )


async def replace_content(conn: asyncpg.Connection, stored: StoredList, head: dict, items: list, by: str) -> int:
    """Keep the current version, make ``head``/``items`` the list's content; returns the new version."""
    await conn.execute("INSERT INTO list_versions (list_id, version, head, items, replaced_by) VALUES ($1,$2,$3,$4,$5)",
                       stored.id, stored.version, stored.head, stored.items, by)
    return await conn.fetchval(
        "UPDATE lists SET head = $2, items = $3, customs_code = $4, port_code = $5, ebc_code = $6, ebp_code = $7, "
        "logistics_code = $8, logistics_no = $9, order_no = $10, trade_mode = $11, version = version + 1, "
        "updated_at = now() WHERE id = $1 RETURNING version",
        stored.id, head, items, *_columns_of(head))


async def set_status(conn: asyncpg.Connection, list_id: int, status: str, waiting_for: str = "") -> None:
    await conn.execute("UPDATE lists SET status = $2, waiting_for = $3, updated_at = now() WHERE id = $1",
                       list_id, status, waiting_for)


async def set_waiting(conn: asyncpg.Connection, list_id: int, waiting_for: str) -> None:
    await conn.execute("UPDATE lists SET waiting_for = $2, updated_at = now() WHERE id = $1", list_id, waiting_for)


async def record_decision(conn: asyncpg.Connection, list_id: int, decision: dict) -> None:
    await conn.execute("UPDATE lists SET decision = $2, decision_round = decision_round + 1, updated_at = now() "
                       "WHERE id = $1", list_id, decision)


async def mark_arrived(conn: asyncpg.Connection, list_id: int, arrival_guid: str) -> None:
    await conn.execute("UPDATE lists SET arrived_at = now(), arrival_guid = $2, updated_at = now() WHERE id = $1",
                       list_id, arrival_guid)


async def bind_to_bill(conn: asyncpg.Connection, list_id: int, bill_no: str | None) -> None:
    await conn.execute("UPDATE lists SET bill_no = $2, updated_at = now() WHERE id = $1", list_id, bill_no)


async def bind_many_to_bill(conn: asyncpg.Connection, list_ids: list[int], bill_no: str | None) -> None:
    """Bind (or with None unbind) these lists in one statement."""
    if list_ids:
        await conn.execute("UPDATE lists SET bill_no = $2, updated_at = now() WHERE id = ANY($1::bigint[])",
                           sorted(set(list_ids)), bill_no)


async def mark_many_arrived(conn: asyncpg.Connection, list_ids: list[int], arrival_guid: str) -> None:
    if list_ids:
        await conn.execute("UPDATE lists SET arrived_at = now(), arrival_guid = $2, updated_at = now() "
                           "WHERE id = ANY($1::bigint[])", sorted(set(list_ids)), arrival_guid)


async def add_history(conn: asyncpg.Connection, list_id: int, event: str, status: str, detail: dict,
                      actor: str = "system") -> None:
    await conn.execute("INSERT INTO list_history (list_id, event, status, detail, actor) VALUES ($1,$2,$3,$4,$5)",
                       list_id, event, status, detail, actor)


HistoryRow = dict


def history_row(list_id: int, event: str, status: str, detail: dict, actor: str = "system") -> HistoryRow:
    """A history row to write later with :func:`add_history_many`."""
    return {"list_id": list_id, "event": event, "status": status, "detail": detail, "actor": actor}


async def add_history_many(conn: asyncpg.Connection, rows: list[HistoryRow]) -> None:
    """Insert history rows in one statement, in the order given (sent as one JSON document)."""
    if not rows:
        return
    await conn.execute(
        "INSERT INTO list_history (list_id, event, status, detail, actor) SELECT list_id, event, status, detail, actor "
        "FROM ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS (list_id bigint, event text, status text, detail jsonb, "
        "actor text)) WITH ORDINALITY AS t(list_id, event, status, detail, actor, n) ORDER BY n", _json(rows))


async def next_invt_serial(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT nextval('invt_no_seq')")


async def recent_rejections(conn: asyncpg.Connection, ebc_code: str, days: int) -> int:
    return await conn.fetchval("SELECT count(*) FROM lists WHERE ebc_code = $1 AND status = '100' "
                               "AND updated_at > now() - make_interval(days => $2)", ebc_code, days)


def _json(value: object) -> str:
    """JSON text for a jsonb parameter (pydantic's encoder: several times faster than json.dumps)."""
    return to_json(value).decode()


# --- set-based: one statement for many lists (a consumer batch's new lists) ------------------------
def _pairs(keys) -> tuple[list[str], list[str]]:
    keys = list(keys)
    return [a for a, _ in keys], [b for _, b in keys]


async def live_by_business_keys(conn: asyncpg.Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], StoredList]:
    """The live list (not cancelled, not rejected) of each (agentCode, copNo), locked."""
    if not keys:
        return {}
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM lists WHERE (agent_code, cop_no) IN "
                            "(SELECT * FROM unnest($1::text[], $2::text[])) AND status NOT IN ('cancelled', '100') "
                            "ORDER BY id FOR UPDATE", *_pairs(keys))
    return {(s.agent_code, s.cop_no): s for s in map(_row, rows)}


async def waiting_for_documents(conn: asyncpg.Connection, orders: set[tuple[str, str]],
                                waybills: set[tuple[str, str]]) -> list[StoredList]:
    """Stored (120) lists whose order (ebpCode, orderNo) or waybill (logisticsCode, logisticsNo) is
    named, locked, in id order."""
    if not orders and not waybills:
        return []
    rows = await conn.fetch(
        # the ids first (an init plan over the two indexes), then the lists by primary key: a
        # semi-join against every stored list would grow with the history (every list waits in 120)
        f"SELECT {COLUMNS} FROM lists WHERE id = ANY(ARRAY(SELECT id FROM lists WHERE (ebp_code, order_no) IN "
        "(SELECT * FROM unnest($1::text[], $2::text[])) UNION SELECT id FROM lists WHERE (logistics_code, logistics_no) "
        "IN (SELECT * FROM unnest($3::text[], $4::text[])))) AND status = '120' ORDER BY id FOR UPDATE",
        *_pairs(orders), *_pairs(waybills))
    return [_row(r) for r in rows]


async def reserve(conn: asyncpg.Connection, count: int) -> list[tuple[int, int]]:
    """(invt serial, list id) for ``count`` new lists, in order."""
    if count <= 0:
        return []
    rows = await conn.fetch("SELECT nextval('invt_no_seq') AS serial, nextval('lists_id_seq') AS id "
                            "FROM generate_series(1, $1) ORDER BY 1", count)
    return [(r["serial"], r["id"]) for r in rows]


async def insert_many(conn: asyncpg.Connection, lists: list[StoredList]) -> None:
    """New lists with the ids reserved for them, in the status they reached (one JSON document)."""
    if not lists:
        return
    rows = [{"id": s.id, "agent_code": s.agent_code, "cop_no": s.cop_no, "pre_no": s.pre_no, "invt_no": s.invt_no,
             "status": s.status, "customs_code": s.customs_code, "port_code": s.port_code, "ebc_code": s.ebc_code,
             "ebp_code": s.ebp_code, "logistics_code": s.logistics_code, "logistics_no": s.logistics_no,
             "order_no": s.order_no, "trade_mode": s.trade_mode, "bill_no": s.bill_no, "declarant_dxp": s.declarant_dxp,
             "receipt_format": s.receipt_format, "head": s.head, "items": s.items, "waiting_for": s.waiting_for}
            for s in lists]
    await conn.execute(
        f"INSERT INTO lists ({_NEW}) SELECT {_NEW} FROM jsonb_to_recordset($1::text::jsonb) AS t(id bigint, "
        "agent_code text, cop_no text, pre_no text, invt_no text, status text, customs_code text, port_code text, "
        "ebc_code text, ebp_code text, logistics_code text, logistics_no text, order_no text, trade_mode text, "
        "bill_no text, declarant_dxp text, receipt_format text, head jsonb, items jsonb, waiting_for text) ORDER BY id",
        _json(rows))


_NEW = ("id, agent_code, cop_no, pre_no, invt_no, status, customs_code, port_code, ebc_code, ebp_code, logistics_code, "
        "logistics_no, order_no, trade_mode, bill_no, declarant_dxp, receipt_format, head, items, waiting_for")


async def set_status_many(conn: asyncpg.Connection, lists: list[StoredList]) -> None:
    """Write the status and waiting_for each list holds in memory."""
    if not lists:
        return
    await conn.execute(
        "UPDATE lists SET status = u.s, waiting_for = u.w, updated_at = now() "
        "FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(i, s, w) WHERE lists.id = u.i",
        [s.id for s in lists], [s.status for s in lists], [s.waiting_for for s in lists])
