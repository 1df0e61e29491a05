"""The pipes page's rows turn red past the thresholds the services judge their readiness by."""
from __future__ import annotations

from services.console.domain.pipes import pipe_rows

THRESHOLDS = {"stuckSeconds": 60, "maxLag": 100, "outboxAgeSeconds": 120}


def ready(consumers=(), outbox=None, relay=None, webhooks=None, problems=()):
    state = {"ready": not problems, "problems": list(problems), "thresholds": THRESHOLDS,
             "consumers": list(consumers), "outbox": outbox or {"rows": 0, "oldestAgeSeconds": 0, "parked": 0},
             "relay": relay or {"holder": True, "stuck": False}}
    if webhooks is not None:
        state["webhooks"] = webhooks
    return state


def consumer(name, lags, stuck=False):
    return {"name": name, "stuck": stuck, "secondsSinceProgress": 1,
            "partitions": [{"topic": "t", "partition": p, "lag": lag} for p, lag in enumerate(lags)]}


def test_a_partition_past_the_lag_threshold_or_of_a_stuck_consumer_is_red():
    rows = pipe_rows({"gateway": ready([consumer("a", [0, 101]), consumer("b", [3], stuck=True)])})["lag"]
    assert [(r["consumer"], r["partition"], r["red"]) for r in rows] == [("a", 0, False), ("a", 1, True), ("b", 0, True)]


def test_an_old_outbox_row_a_parked_row_or_a_stuck_relay_is_red():
    rows = pipe_rows({
        "gateway": ready(outbox={"rows": 5, "oldestAgeSeconds": 121, "parked": 0}),
        "management": ready(outbox={"rows": 0, "oldestAgeSeconds": 0, "parked": 1}),
        "notification": ready(relay={"holder": True, "stuck": True}),
    })["outbox"]
    assert [r["red"] for r in rows] == [True, True, True]
    assert pipe_rows({"gateway": ready()})["outbox"][0]["red"] is False


def test_webhooks_are_red_when_one_is_parked_or_the_oldest_pending_is_too_old():
    def red(**w):
        return pipe_rows({"notification": ready(webhooks={"pending": 0, "parked": 0, "oldestPendingSeconds": 0,
                                                          **w})})["webhooks"]["red"]
    assert (red(), red(parked=1), red(pending=3, oldestPendingSeconds=121)) == (False, True, True)


def test_a_service_that_does_not_answer_is_unready():
    s = pipe_rows({"gateway": None})["services"][0]
    assert s == {"service": "gateway", "reachable": False, "ready": False, "problems": ["gateway did not answer"]}
