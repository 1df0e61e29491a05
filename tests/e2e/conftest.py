from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from services.cli.journey import DEMO_ENTERPRISES
from tests.conftest import _with_database
from tests.support.stack import Stack


@pytest.fixture
async def stack(kafka_bootstrap, admin_database_url, topic_prefix, tmp_path):
    """The three services running as processes on a database and topics of their own."""
    name = f"cbec_e2e_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin_database_url)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    s = Stack(kafka_bootstrap, _with_database(admin_database_url, name), topic_prefix, tmp_path)
    try:
        await s.up()
        async with httpx.AsyncClient(base_url=s.url("gateway")) as http:
            for e in DEMO_ENTERPRISES:
                (await http.post("/enterprises", json=e)).raise_for_status()
        yield s
    finally:
        s.down()
        conn = await asyncpg.connect(admin_database_url)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
