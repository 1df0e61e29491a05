"""The flow monitor listens where it is told (127.0.0.1 unless configured), not on every interface."""
from __future__ import annotations

from services.monitor.flows import build_flow_monitor
from services.monitor.settings import MonitorSettings


def test_the_monitor_binds_the_configured_host():
    assert build_flow_monitor(MonitorSettings.from_env({})).conf.web_bind == "127.0.0.1"
    app = build_flow_monitor(MonitorSettings.from_env({"MONITOR_HTTP_HOST": "10.0.0.5"}))
    assert app.conf.web_bind == "10.0.0.5"
