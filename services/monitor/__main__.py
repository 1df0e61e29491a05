"""``python -m services.monitor``: the faust flow monitor (operators' view of event rates)."""
import os
import sys

from shared.config import load_settings

from .flows import build_flow_monitor

if __name__ == "__main__":
    app = build_flow_monitor(load_settings("monitor"), web_port=int(os.environ.get("MONITOR_HTTP_PORT", "8083")))
    sys.argv = [sys.argv[0], "worker", "--loglevel", "warn"]
    app.main()
