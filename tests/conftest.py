"""Fixtures shared by the integration and end-to-end tests (real Kafka and PostgreSQL)."""
from __future__ import annotations

import uuid
from contextlib import ExitStack
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from tests.support import infrastructure
from tests.support.topics import delete_topics_with_prefix


@pytest.fixture(scope="session")
def _containers():
    with ExitStack() as stack:
        yield stack


@pytest.fixture(scope="session")
def kafka_bootstrap(_containers) -> str:
    return infrastructure.kafka_bootstrap(_containers)


@pytest.fixture(scope="session")
def admin_database_url(_containers) -> str:
    return infrastructure.database_url(_containers)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@pytest.fixture(scope="session")
async def database_url(admin_database_url):
    """A database of its own for this test session, dropped at the end."""
    name = f"cbec_test_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin_database_url)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    yield _with_database(admin_database_url, name)
    conn = await asyncpg.connect(admin_database_url)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


@pytest.fixture
async def topic_prefix(kafka_bootstrap):
    """Topics of their own for one test: nothing left by another test can reach it; deleted after."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    yield prefix
    await delete_topics_with_prefix(kafka_bootstrap, prefix)
