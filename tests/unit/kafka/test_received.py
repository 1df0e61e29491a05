"""The typed message a handler gets, as the consumer loop builds it from a record (no broker)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.gateway.domain.inbound_envelope import envelope_reader
from shared.contracts import CredentialRevoked, EnterpriseRegistered, ReceiptIssued, contract_decoder
from shared.kafka import topics
from shared.kafka.received import Record, Undecodable, receive

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = f"00-{TRACE}-00f067aa0ba902b7-01".encode()


def test_an_internal_message_is_known_by_its_outbox_id_and_carries_its_trace():
    receipt = ReceiptIssued(receipt_id="r-1", message_type="CEB604", business_key="AG1", fields={}, recipients=[],
                            issued_at=datetime(2026, 12, 2, tzinfo=UTC), issued_by="management")
    record = Record(topics.RECEIPTS, 2, 41, b"AG1", receipt.model_dump_json().encode(),
                    [("cbec-message-id", b"m-9"), ("cbec-trace-id", b"erp-42"), ("traceparent", PARENT)])
    got = receive(record, contract_decoder([topics.RECEIPTS])(record))
    assert got.model == receipt and got.key == "AG1"
    assert (got.message_id, got.trace_id) == ("m-9", "erp-42")  # the internal trace id wins over traceparent
    assert got.headers.get("cbec-message-id") == "m-9" and got.headers.get("absent", "-") == "-"
    assert (got.topic, got.partition, got.offset, got.position) == (topics.RECEIPTS, 2, 41, f"{topics.RECEIPTS}:2:41")
    assert got.record is record  # the bytes as read, not a copy


def test_what_an_enterprise_sent_is_known_by_its_position_whatever_its_headers_say():
    sent = Record("ceb.inbound.DXPENT0000000001", 0, 7, None, b"<x/>",
                  [("cbec-message-id", b"someone-elses-id"), ("traceparent", PARENT)])
    got = receive(sent, envelope_reader()(sent), trust_headers=False)
    assert got.message_id == "ceb.inbound.DXPENT0000000001:0:7" and got.trace_id == TRACE and got.key == ""
    bare = Record("ceb.inbound", 0, 7, b"DXPENT0000000001", b"{}")
    fresh = receive(bare, envelope_reader()(bare), trust_headers=False).trace_id
    assert len(fresh) == 32 and fresh == receive(bare, None, trust_headers=False).trace_id  # stable per position


def test_the_envelope_names_the_sender_by_its_topic_else_its_key():
    read = envelope_reader("t1.")
    own = read(Record("t1.ceb.inbound.DXPENT0000000001", 0, 1, None, b"  <ceb:CEB603Message/>"))
    assert (own.sender, own.queue_sender, own.conflict, own.content_type) == (
        "DXPENT0000000001", "DXPENT0000000001", "", "xml")
    shared_topic = read(Record("t1.ceb.inbound", 0, 1, b"DXPENT0000000002", b'\xef\xbb\xbf{"CEB303Message": {}}'))
    assert (shared_topic.sender, shared_topic.conflict, shared_topic.content_type) == ("DXPENT0000000002", "", "json")
    mismatch = read(Record("t1.ceb.inbound.DXPENT0000000001", 0, 1, b"DXPENT0000000002", None))
    assert mismatch.sender == "DXPENT0000000001" and mismatch.raw == b"" and mismatch.content_type == ""
    assert mismatch.conflict.startswith("sender mismatch: the key 'DXPENT0000000002' is not DXPENT0000000001")
    long_key = read(Record("t1.ceb.inbound", 0, 1, b"K" * 100, b"x"))
    assert len(long_key.sender) == 100 and long_key.queue_sender == "K" * 64


def test_a_compacted_topics_tombstone_is_nothing_to_apply_elsewhere_it_is_refused():
    assert contract_decoder([topics.ENTERPRISES])(Record(topics.ENTERPRISES, 0, 1, b"3301960001", None)) is None
    assert contract_decoder([topics.CREDENTIALS])(Record(topics.CREDENTIALS, 0, 1, b"jti", None)) is None
    with pytest.raises(Undecodable, match="no value: a Declaration was expected"):
        contract_decoder([topics.DECLARATIONS])(Record(topics.DECLARATIONS, 0, 1, b"AG1", None))
    with pytest.raises(ValidationError):
        contract_decoder([topics.DECLARATIONS])(Record(topics.DECLARATIONS, 0, 1, b"AG1", b'{"message": 1}'))
    registered = EnterpriseRegistered(code="3301960001", name="x", dxp_id="DXPENT0000000001", roles=["agent"])
    record = Record(topics.ENTERPRISES, 0, 1, b"3301960001", registered.model_dump_json().encode())
    assert contract_decoder([topics.ENTERPRISES])(record) == registered
    revoked = CredentialRevoked(token_id="jti", revoked_at=datetime(2026, 12, 2, tzinfo=UTC), revoked_by="admin",
                                expires_at=datetime(2026, 12, 3, tzinfo=UTC))
    record = Record(topics.CREDENTIALS, 0, 1, b"jti", revoked.model_dump_json().encode())
    assert contract_decoder([topics.CREDENTIALS])(record) == revoked


def test_a_consumer_of_topics_without_one_contract_must_be_given_its_decoder():
    for logical in ([topics.DECLARATIONS, topics.RECEIPTS], [topics.INBOUND], []):
        with pytest.raises(ValueError, match="give the consumer its decoder"):
            contract_decoder(logical)
