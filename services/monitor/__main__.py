"""``python -m services.monitor``: the faust flow monitor (operators' view of event rates)."""
import asyncio
import sys

from services.monitor.settings import MonitorSettings

from .flows import build_flow_monitor, create_topics

if __name__ == "__main__":
    settings = MonitorSettings.from_env()
    app = build_flow_monitor(settings, web_port=settings.http_port)
    asyncio.run(create_topics(app, settings))
    sys.argv = [sys.argv[0], "worker", "--loglevel", "warn"]
    app.main()
