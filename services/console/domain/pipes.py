"""The pipes page's rows: what each service's ``GET /health/ready`` says (``shared.pipes``), one
row per consumer partition, per outbox and for the webhook deliveries, each ``red`` past the
threshold the service itself judges by (``CBEC_READY_*``)."""
from __future__ import annotations

from typing import Any


def pipe_rows(answers: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """``answers``: service name → its ``/health/ready`` JSON (None when it did not answer)."""
    services: list[dict[str, Any]] = []
    lag: list[dict[str, Any]] = []
    outboxes: list[dict[str, Any]] = []
    webhooks: dict[str, Any] | None = None
    for service, state in answers.items():
        if state is None:
            services.append({"service": service, "reachable": False, "ready": False,
                             "problems": [f"{service} did not answer"]})
            continue
        services.append({"service": service, "reachable": True, "ready": bool(state.get("ready")),
                         "problems": state.get("problems", [])})
        t = state.get("thresholds", {})
        max_lag, outbox_age = t.get("maxLag"), t.get("outboxAgeSeconds")
        for c in state.get("consumers", []):
            for p in c.get("partitions", []):
                red = bool(c.get("stuck")) or (p.get("lag") is not None and max_lag is not None and p["lag"] > max_lag)
                lag.append({"service": service, "consumer": c["name"], "topic": p["topic"],
                            "partition": p["partition"], "lag": p.get("lag"), "stuck": bool(c.get("stuck")),
                            "secondsSinceProgress": c.get("secondsSinceProgress"), "threshold": max_lag, "red": red})
        o = state.get("outbox")
        if o is not None:
            relay = state.get("relay", {})
            age = o.get("oldestAgeSeconds") or 0
            outboxes.append({"service": service, "rows": o.get("rows"), "oldestAgeSeconds": age,
                             "parked": o.get("parked"), "relayHolder": relay.get("holder"),
                             "relayStuck": bool(relay.get("stuck")), "threshold": outbox_age,
                             "red": bool(relay.get("stuck")) or bool(o.get("parked")) or "error" in o
                             or (outbox_age is not None and age > outbox_age)})
        w = state.get("webhooks")
        if w is not None:
            age = w.get("oldestPendingSeconds") or 0
            webhooks = {**w, "service": service, "threshold": outbox_age,
                        "red": bool(w.get("parked")) or (outbox_age is not None and age > outbox_age)}
    return {"services": services, "lag": lag, "outbox": outboxes, "webhooks": webhooks}
