"""Locking meeting points (``domain.meeting_points``) for the rest of the caller's transaction."""
from __future__ import annotations

import asyncpg


async def lock(conn: asyncpg.Connection, points: list[int]) -> None:
    """Lock ``points`` (sorted, distinct) until the transaction ends, in one statement.

    A row per point: a new point is inserted (a second inserter waits for the first to commit), a
    known one is locked by ``ON CONFLICT DO UPDATE … WHERE false`` without being written. Row locks
    live in the rows, not in PostgreSQL's shared lock table, so a batch may lock thousands. Taken in
    sorted order, so two transactions cannot wait for each other."""
    if points:
        await conn.execute(
            "INSERT INTO meeting_points (point) SELECT p FROM unnest($1::bigint[]) WITH ORDINALITY AS u(p, n) "
            "ORDER BY n ON CONFLICT (point) DO UPDATE SET point = EXCLUDED.point WHERE false",
            points,
        )
