"""Tests create topics under a prefix of their own; this removes them afterwards, so repeated
runs against one broker do not pile up thousands of partitions."""
from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient


async def delete_topics_with_prefix(bootstrap: str, prefix: str) -> None:
    if not prefix:
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        doomed = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if doomed:
            await admin.delete_topics(doomed)
    except Exception:
        pass
    finally:
        await admin.close()
