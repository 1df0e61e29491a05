"""The names of the Kafka headers the platform writes and reads: one place for all of them.

``docs/asyncapi.json`` (``shared.kafka.asyncapi``) says which topic carries which, and what each means.
A handler reads them from its typed message (``shared.kafka.received.Received.headers``); the code
spells them only here (``tests/unit/kafka/test_header_names.py``). The webhooks' HTTP headers are
the notification's: ``services/notification/domain/webhook_signature.py``.
"""
from __future__ import annotations

MESSAGE_ID = "cbec-message-id"  # the outbox row's id: what the inbox of an internal topic's reader knows it by
TRACE_ID = "cbec-trace-id"  # the trace id of the inbound message a message descends from
TRACEPARENT = "traceparent"  # W3C Trace Context: version-traceid-spanid-flags (an ERP may send its own)
TRACESTATE = "tracestate"  # W3C Trace Context: vendors' state, passed on as it came

# receipts on ceb.receipts.<DXP id>
RECEIPT_ID = "cbec-receipt-id"
MESSAGE_TYPE = "cbec-message-type"
RETURN_STATUS = "cbec-return-status"
REPLAY = "cbec-replay"

# dead letters (on the dead-letter topics) and redriven records (on the topic they came from)
DLQ_REASON = "dlq-reason"
DLQ_SOURCE_TOPIC = "dlq-source-topic"
DLQ_SOURCE_PARTITION = "dlq-source-partition"
DLQ_SOURCE_OFFSET = "dlq-source-offset"
DLQ_TRUNCATED = "dlq-truncated"
REDRIVE_COUNT = "cbec-redrive-count"  # how many times the record was redriven (the loop guard)
REDRIVEN_FROM = "cbec-redriven-from"  # the id of the dead letter it was redriven from
