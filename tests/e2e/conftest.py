from __future__ import annotations

import pytest

from services.cli.journey import DEMO_ENTERPRISES
from tests.support.stack import running_stack


@pytest.fixture
async def stack(kafka_bootstrap, admin_database_url, topic_prefix, tmp_path):
    """The services running as processes on a database and topics of their own."""
    async with running_stack(kafka_bootstrap, admin_database_url, tmp_path, enterprises=DEMO_ENTERPRISES,
                             prefix=topic_prefix) as s:
        yield s
