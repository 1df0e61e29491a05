"""What an operator and a tracing back-end see of a list that runs through the stack: the ERP's
trace id on every receipt and on the services' log lines, metrics, liveness and readiness."""
from __future__ import annotations

import json
import re
import secrets

import httpx
import pytest

from services.cli.journey import DEMO_ENTERPRISES, Journey
from services.cli.kafka_io import send
from shared.tracing import parse_traceparent
from tests.e2e.test_journey import AGENT, EBC, LOGISTICS, send_order_and_waybill
from tests.support.receipt_checks import ReceiptReader
from tests.support.stack import SERVICES, running_stack

pytestmark = pytest.mark.e2e


def log_lines(stack, svc: str) -> list[dict]:
    text = (stack.log_dir / f"{svc}.{stack.starts[svc]}.log").read_text(errors="replace")
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


async def test_the_erps_trace_id_reaches_every_receipt_and_log_line_and_the_pipes_are_measured(
        kafka_bootstrap, admin_database_url, topic_prefix, tmp_path):
    env = {"CBEC_LOG_FORMAT": "json", "CBEC_LOG_LEVEL": "DEBUG"}
    async with running_stack(kafka_bootstrap, admin_database_url, tmp_path, enterprises=DEMO_ENTERPRISES,
                             prefix=topic_prefix, extra_env=env) as stack:
        j = Journey()
        trace_id, erp_span = secrets.token_hex(16), secrets.token_hex(8)
        seen: list = []
        async with ReceiptReader(stack.kafka, [AGENT, EBC, LOGISTICS], stack.prefix) as reader:
            await send_order_and_waybill(stack, j, reader, seen)
            await send(stack.kafka, AGENT, j.list_message("xml"), stack.prefix,
                       headers=[("traceparent", f"00-{trace_id}-{erp_span}-01".encode())])
            await reader.wait_for(lambda r: r.key == j.cop_no and r.topic.endswith(AGENT) and r.status in ("399", "100"),
                                  60, seen)

        receipts = [r for r in seen if r.key == j.cop_no and r.topic.endswith(AGENT)]
        assert [r.status for r in receipts] == ["2", "120", "399"]
        for r in receipts:
            assert r.headers["cbec-trace-id"] == trace_id
            parent = parse_traceparent(r.headers["traceparent"])
            assert parent is not None and parent.trace_id == trace_id and parent.span_id != erp_span
        # the order, sent without one, got a trace of its own
        order = next(r for r in seen if r.key == j.order_no)
        assert parse_traceparent(order.headers["traceparent"]).trace_id not in ("", trace_id)

        for svc in SERVICES:
            lines = log_lines(stack, svc)
            assert lines and all({"time", "level", "service", "message", "trace_id"} <= set(x) for x in lines)
            mine = [x for x in lines if x["trace_id"] == trace_id]
            assert mine, f"{svc} wrote no line with the list's trace id"
            assert all(x["service"] == svc for x in mine)

        async with httpx.AsyncClient() as http:
            for svc in SERVICES:
                base = stack.url(svc)
                assert (await http.get(f"{base}/health/live")).json()["alive"] is True
                ready = await http.get(f"{base}/health/ready")
                assert ready.status_code == 200, ready.text
                state = ready.json()
                assert state["ready"] and not state["problems"]
                assert all(c["partitions"] and c["lag"] == 0 for c in state["consumers"]), state["consumers"]
                assert state["outbox"]["parked"] == 0
                text = (await http.get(f"{base}/metrics")).text
                assert re.search(r'^cbec_consumer_lag\{consumer="[^"]+",partition="0",topic="[^"]+"\} 0\.0$', text, re.M)
                assert re.search(r"^cbec_ready 1\.0$", text, re.M)
                assert re.search(r"^cbec_batch_seconds_count\{consumer=", text, re.M)
            gateway = (await http.get(f"{stack.url('gateway')}/metrics")).text
            assert re.search(r'^cbec_messages_processed_total\{consumer="gateway-intake",message_type="CEB603",'
                             r'topic="[^"]*ceb\.inbound"\} 1\.0$', gateway, re.M), gateway
            notification = (await http.get(f"{stack.url('notification')}/metrics")).text
            assert re.search(r'^cbec_webhook_deliveries\{state="pending"\} 0\.0$', notification, re.M)
