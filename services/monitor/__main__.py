"""``python -m services.monitor``: the faust flow monitor (operators' view of event rates)."""
import asyncio
import os
import sys

from shared.config import load_settings

from .flows import build_flow_monitor, create_topics

if __name__ == "__main__":
    settings = load_settings("monitor")
    app = build_flow_monitor(settings, web_port=int(os.environ.get("MONITOR_HTTP_PORT", "8083")))
    asyncio.run(create_topics(app, settings))
    sys.argv = [sys.argv[0], "worker", "--loglevel", "warn"]
    app.main()
