"""``python -m services.monitor``: the faust flow monitor (operators' view of event rates)."""
import asyncio
import os
import sys

from shared.config import load_settings
from shared.kafka.admin import TopicAdmin

from .flows import build_flow_monitor, source_topics


async def _create_source_topics(settings) -> None:
    admin = TopicAdmin(settings.kafka_bootstrap_servers, partitions=settings.topic_partitions,
                       replication=settings.topic_replication)
    await admin.start()
    try:
        await admin.ensure({name: {} for name in source_topics(settings)})
    finally:
        await admin.close()


if __name__ == "__main__":
    settings = load_settings("monitor")
    # faust does not create the topics it only reads; without them it would fail and restart
    asyncio.run(_create_source_topics(settings))
    app = build_flow_monitor(settings, web_port=int(os.environ.get("MONITOR_HTTP_PORT", "8083")))
    sys.argv = [sys.argv[0], "worker", "--loglevel", "warn"]
    app.main()
