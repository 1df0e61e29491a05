"""The published AsyncAPI document is the one the code describes."""
from pathlib import Path

from shared.kafka import topics
from shared.kafka.asyncapi import addresses, build_document, render
from shared.messages.catalogue import MESSAGE_SPECS, RECEIPT_SPECS

DOC = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.json"


def test_committed_asyncapi_document_matches_the_code():
    assert DOC.read_text(encoding="utf-8") == render(), "regenerate: python -m shared.kafka.asyncapi > docs/asyncapi.json"


def test_every_topic_the_services_create_is_documented():
    document = build_document()
    assert document["asyncapi"].startswith("3.")
    assert set(topics.FIXED_TOPICS) <= addresses(document)
    assert topics.RECEIPT_TOPIC_PREFIX + "{dxpId}" in addresses(document)


def test_every_message_and_receipt_type_has_an_xml_and_a_json_message_with_a_real_schema():
    document = build_document()
    inbound = document["channels"]["inbound"]["messages"]
    receipts = document["channels"]["enterpriseReceipts"]["messages"]
    for spec in MESSAGE_SPECS.values():
        assert {f"{spec.root}_xml", f"{spec.root}_json"} <= set(inbound)
        schema = document["components"]["schemas"][spec.root]
        assert schema["properties"][spec.root]["type"] == "object"
    for spec in RECEIPT_SPECS.values():
        assert {f"{spec.root}_xml", f"{spec.root}_json"} <= set(receipts)
    xml = document["components"]["messages"]["CEB603Message.xml"]
    assert xml["contentType"] == "application/xml" and xml["externalDocs"]["url"].endswith("ceb-export-202205.xsd")


def test_the_headers_an_erp_may_send_and_receives_are_listed():
    messages = build_document()["components"]["messages"]
    assert "cbec-trace-id" in messages["CEB603Message.json"]["headers"]["properties"]
    assert {"cbec-receipt-id", "cbec-message-type", "cbec-return-status"} <= set(
        messages["CEB604Message.xml"]["headers"]["properties"])


def test_the_integrators_contract_names_the_sender_by_its_inbound_topic():
    doc = build_document()
    inbound = doc["channels"]["enterpriseInbound"]
    assert inbound["address"] == topics.INBOUND_TOPIC_PREFIX + "{dxpId}"
    assert "only the principal {dxpId}" in inbound["description"]
    scram = {"$ref": "#/components/securitySchemes/enterpriseScram"}
    assert doc["operations"]["receiveEnterpriseInbound"]["security"] == [scram]
    assert doc["servers"]["secure"]["security"] == [scram]
    assert doc["components"]["securitySchemes"]["enterpriseScram"]["type"] == "scramSha512"
    assert "open local demo" in doc["channels"]["inbound"]["description"]
