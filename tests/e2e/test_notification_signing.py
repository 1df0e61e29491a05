"""With a platform signing key configured, the receipts an ERP reads are signed and verify."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from services.cli.journey import Journey
from shared.messages.signature import certificate_number, verify_json, verify_xml
from tests.e2e.test_journey import AGENT
from tests.e2e.test_restart import send_many
from tests.integration.notification.topic_reader import TopicReader
from tests.unit.notification.test_receipt_signing import platform_key

pytestmark = pytest.mark.e2e

KEYS = platform_key()


@pytest.fixture(autouse=True)
def platform_signing_key(monkeypatch, tmp_path_factory):
    """The stack copies the environment: its notification signs with this key."""
    pem, cert = KEYS
    where = tmp_path_factory.mktemp("platform")
    (where / "platform.key").write_bytes(pem)
    (where / "platform.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    monkeypatch.setenv("CBEC_PLATFORM_SIGNING_KEY", str(where / "platform.key"))
    monkeypatch.setenv("CBEC_PLATFORM_SIGNING_CERT", str(where / "platform.crt"))


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_receipts_are_signed_with_the_platform_key(stack, fmt):
    j = Journey()
    async with TopicReader(stack.kafka, f"{stack.prefix}ceb.receipts.{AGENT}") as topic:
        await send_many(stack, [j.list_message(fmt)])
        await topic.read_until(lambda rs: [h["cbec-return-status"] for k, h, _ in rs if k == j.cop_no][:2] == ["2", "120"], 60)
    _, cert = KEYS
    verify = verify_xml if fmt == "xml" else verify_json
    for _key, _headers, value in topic.records:
        assert value.lstrip().startswith(b"<?xml" if fmt == "xml" else b"{")
        assert verify(value, cert).key_name == certificate_number(cert)
