"""The published AsyncAPI document is the one the code describes."""
from pathlib import Path

from shared.kafka import topics
from shared.kafka.asyncapi import build_document, render

DOC = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.json"


def test_committed_asyncapi_document_matches_the_code():
    assert DOC.read_text(encoding="utf-8") == render(), "regenerate: python -m shared.kafka.asyncapi > docs/asyncapi.json"


def test_every_topic_the_services_create_is_documented():
    channels = build_document()["channels"]
    assert set(topics.FIXED_TOPICS) <= set(channels)
    assert topics.RECEIPT_TOPIC_PREFIX + "{dxpId}" in channels
