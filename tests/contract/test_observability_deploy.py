"""The dashboard and the compose services that show the metrics: Grafana asks only for what the
services export, and compose provisions Prometheus and Grafana with them. Parsed, not run."""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from shared.metrics import EXPORTED

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "cbec-pipes.json"
METRIC = re.compile(r"\bcbec_[a-z_]+\b")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_dashboard_asks_only_for_metrics_the_services_export():
    panels = json.loads(DASHBOARD.read_text())["panels"]
    asked = {name for p in panels for t in p["targets"] for name in METRIC.findall(t["expr"])}
    assert asked, "the dashboard has no queries"
    assert asked <= EXPORTED, f"not exported by any service: {sorted(asked - EXPORTED)}"
    # the pipes the issue names each have a panel
    for needed in ("cbec_consumer_lag", "cbec_outbox_rows", "cbec_outbox_oldest_age_seconds",
                   "cbec_outbox_parked_rows", "cbec_webhook_deliveries", "cbec_dead_letters_total",
                   "cbec_batch_seconds_bucket", "cbec_messages_processed_total", "cbec_relay_published_total"):
        assert needed in asked, needed


def test_prometheus_scrapes_every_service_on_its_compose_name_and_port():
    services = compose()["services"]
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    targets = {job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]}
    for svc, port in {"gateway": 8080, "management": 8081, "notification": 8082, "monitor": 8083,
                      "console": 8084}.items():
        assert svc in services
        assert targets[svc] == [f"{svc}:{port}"]


def test_compose_provisions_prometheus_and_grafana_with_the_dashboard():
    services = compose()["services"]
    prometheus, grafana = services["prometheus"], services["grafana"]
    assert "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in prometheus["volumes"]
    mounts = dict(v.rsplit(":", 1)[0].split(":", 1) for v in grafana["volumes"])
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    dashboards = mounts["./deploy/grafana/dashboards"]
    provider = yaml.safe_load((ROOT / "deploy/grafana/provisioning/dashboards/cbec.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == dashboards
    source = yaml.safe_load((ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
    ds = source["datasources"][0]
    assert ds["url"] == "http://prometheus:9090" and "9090:9090" in prometheus["ports"]
    used = {t["datasource"]["uid"] for p in json.loads(DASHBOARD.read_text())["panels"] for t in p["targets"]}
    assert used == {ds["uid"]}
    assert grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD"].startswith("${")
