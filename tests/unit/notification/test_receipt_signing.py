"""Receipts signed with the platform key verify with the code the gateway checks messages with."""
from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from services.notification.domain.receipt_rendering import ReceiptRenderer
from services.notification.domain.receipt_signing import PlatformSigner
from shared.messages import decode_receipt
from shared.messages.signature import SignatureError, certificate_number, verify_json, verify_xml

FIELDS = {"guid": "0F3A5C1E-2B4D-4E6F-8A9B-0C1D2E3F4A5B", "agentCode": "3301960001", "copNo": "AG1",
          "preNo": "B20261128000000001", "invtNo": "29922026E000000001", "ebcCode": "3301960002",
          "ebpCode": "3301960003", "orderNo": "ORD-1", "statisticsFlag": "A", "returnStatus": "120",
          "returnTime": "20261128120000000", "returnInfo": "[Code:0000;Desc:stored]"}
RECEIPT_ID = "6f1c6e0e-8a5e-4c55-9a55-0d3c2b1a0f00"


def platform_key() -> tuple[bytes, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cbec platform")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return pem, cert


@pytest.fixture(scope="module")
def keys():
    return platform_key()


def test_signed_xml_receipt_verifies_and_still_reads_as_a_receipt(keys):
    pem, cert = keys
    renderer = ReceiptRenderer(signer=PlatformSigner.of(pem, cert))
    body = renderer.receipt_body("CEB604", RECEIPT_ID, FIELDS, "xml")
    verified = verify_xml(body, cert)
    assert verified.key_name == certificate_number(cert)
    assert b"rsa-sha256" in body and b'URI=""' in body
    receipt = decode_receipt(body)
    assert receipt.fields["returnStatus"] == "120" and receipt.guid == RECEIPT_ID.upper()
    assert renderer.receipt_body("CEB604", RECEIPT_ID, FIELDS, "xml") == body  # a retry carries the same bytes


def test_signed_json_receipt_verifies(keys):
    pem, cert = keys
    body = ReceiptRenderer(signer=PlatformSigner.of(pem, cert)).receipt_body("CEB604", RECEIPT_ID, FIELDS, "json")
    assert verify_json(body, cert).key_name == certificate_number(cert)
    assert decode_receipt(body).fields["copNo"] == "AG1"


def test_a_tampered_receipt_fails_verification(keys):
    pem, cert = keys
    body = ReceiptRenderer(signer=PlatformSigner.of(pem, cert)).receipt_body("CEB604", RECEIPT_ID, FIELDS, "xml")
    receipt = ReceiptRenderer().receipt_body("CEB604", RECEIPT_ID, FIELDS, "xml")
    assert base64.b64encode(receipt) in body
    tampered = body.replace(base64.b64encode(receipt), base64.b64encode(receipt.replace(b">120<", b">800<")))
    with pytest.raises(SignatureError):
        verify_xml(tampered, cert)


def test_unsigned_without_a_key():
    body = ReceiptRenderer().receipt_body("CEB604", RECEIPT_ID, FIELDS, "xml")
    assert b"Signature" not in body


def test_a_signed_xml_receipt_is_schema_valid_in_its_dxp_envelope(keys):
    from shared.messages.official_schema import schema_problems
    from shared.messages.transport import open_envelope
    from shared.messages.xml_reading import read_xml

    pem, cert = keys
    body = ReceiptRenderer(signer=PlatformSigner.of(pem, cert)).receipt_body("CEB604", RECEIPT_ID, FIELDS, "xml",
                                                                       "DXPENT0000000001")
    assert schema_problems(body) == []  # the envelope (with its ds:Signature) and the receipt in it
    info, data = open_envelope(read_xml(body))
    assert (info.CopMsgId, info.SenderId, info.ReceiverIds, info.MsgType) == (
        RECEIPT_ID.upper(), "DXPEDCCEB0000002", ["DXPENT0000000001"], "CEB604Message")
    assert info.CreatTime == "2026-11-28T12:00:00.000+08:00"
    assert data == ReceiptRenderer().receipt_body("CEB604", RECEIPT_ID, FIELDS, "xml")  # the unsigned receipt
