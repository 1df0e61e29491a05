"""SM2-SM3 (the standard's preferred algorithm) verified step by step like RSA, against an SM2
certificate; SM2 certificates registered; signatures that OpenSSL makes and checks."""
from __future__ import annotations

import base64
import json
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from services.gateway.domain.enterprise import Enterprise
from services.gateway.domain.signature_check import signature_problem
from shared.messages import decode_message, encode_message
from shared.messages.signature import SM2_SM3, SM3, certificate_number, load_certificate, sign_message
from tests.fixtures.gateway import ENTERPRISES, message, raw

from .certificates import make_key_and_certificate, make_sm2_key_and_certificate

NOW = datetime.now(UTC)
DS = {"ds": "http://www.w3.org/2000/09/xmldsig#"}


@pytest.fixture(scope="module")
def sm2_keys():
    key, cert = make_sm2_key_and_certificate()
    return key, cert


def problem(body: bytes, cert: bytes | None):
    m = decode_message(body)[0]
    return signature_problem(m, body, cert.decode() if cert else None, "required", datetime.now(UTC))


def test_sm2_signed_xml_names_the_chinaport_algorithms_and_verifies(sm2_keys):
    key, cert = sm2_keys
    body = sign_message(raw("CEB603"), key, cert)
    tree = etree.fromstring(body)
    assert tree.find(".//ds:SignatureMethod", DS).get("Algorithm") == SM2_SM3 \
        == "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"
    assert tree.find(".//ds:DigestMethod", DS).get("Algorithm") == SM3
    assert tree.find(".//ds:KeyName", DS).text == certificate_number(load_certificate(cert))
    assert tree.find(".//ds:X509Certificate", DS) is not None
    assert problem(body, cert) is None


def test_sm2_signed_json_verifies(sm2_keys):
    key, cert = sm2_keys
    body = sign_message(encode_message(message("CEB603"), "json"), key, cert)
    assert json.loads(body)["CEB603Message"]["Signature"]["algorithm"] == "sm2-sm3"
    assert problem(body, cert) is None


def test_canonicalisation_step(sm2_keys):
    key, cert = sm2_keys
    body = sign_message(raw("CEB603"), key, cert).replace(b'URI=""', b'URI="#head"')
    assert problem(body, cert).code == "2502"


def test_digest_step(sm2_keys):
    key, cert = sm2_keys
    body = sign_message(raw("CEB603"), key, cert).replace(b"Silk tie</ceb:gname>", b"Silk tye</ceb:gname>")
    found = problem(body, cert)
    assert (found.code, found.path) == ("2503", "Signature/SignedInfo/Reference/DigestValue")


def test_signature_value_step(sm2_keys):
    key, cert = sm2_keys
    other, _ = make_sm2_key_and_certificate()
    body = sign_message(raw("CEB603"), other, cert)  # another key, the registered certificate named
    found = problem(body, cert)
    assert (found.code, found.path) == ("2504", "Signature/SignatureValue")


def test_signature_value_step_json(sm2_keys):
    key, cert = sm2_keys
    signed = json.loads(sign_message(encode_message(message("CEB603"), "json"), key, cert))
    value = bytearray(base64.b64decode(signed["CEB603Message"]["Signature"]["signatureValue"]))
    value[5] ^= 1
    signed["CEB603Message"]["Signature"]["signatureValue"] = base64.b64encode(bytes(value)).decode()
    assert problem(json.dumps(signed).encode(), cert).code == "2504"


def test_unknown_certificate_step(sm2_keys):
    key, cert = sm2_keys
    _, other_cert = make_sm2_key_and_certificate()
    found = problem(sign_message(raw("CEB603"), key, cert), other_cert)
    assert (found.code, found.path) == ("2505", "Signature/KeyInfo/X509Data/X509Certificate")
    assert "mismatched certificate" in found.desc


def test_expired_certificate_step():
    key, cert = make_sm2_key_and_certificate(not_before=NOW - timedelta(days=400), days=30)
    assert problem(sign_message(raw("CEB603"), key, cert), cert).code == "2506"


def test_sm2_signature_against_an_rsa_certificate_is_the_algorithm_step(sm2_keys):
    key, cert = sm2_keys
    _, rsa_cert = make_key_and_certificate()
    body = sign_message(raw("CEB603"), key, cert)
    tree = etree.fromstring(body)
    tree.find(".//ds:KeyName", DS).text = certificate_number(load_certificate(rsa_cert))
    x509_data = tree.find(".//ds:X509Data", DS)
    x509_data.getparent().remove(x509_data)
    found = problem(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"), rsa_cert)
    assert found.code == "2507" and "SM2" in found.desc


def test_rsa_sha1_is_kept():
    key, cert = make_key_and_certificate()
    body = sign_message(raw("CEB603"), key, cert, algorithm="rsa-sha1")
    assert b"xmldsig#rsa-sha1" in body and problem(body, cert) is None


def test_registry_takes_an_sm2_certificate(sm2_keys):
    _, cert = sm2_keys
    e = Enterprise.model_validate({**ENTERPRISES["agent"].model_dump(exclude={"certificateNumber"}),
                                   "certificate": cert.decode()})
    assert e.certificateNumber == certificate_number(load_certificate(cert))


def test_registry_refuses_a_certificate_whose_key_cannot_verify():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from pydantic import ValidationError

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "3301960001")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=9))
            .sign(key, hashes.SHA256()))
    with pytest.raises(ValidationError, match="SM2 or RSA public key"):
        Enterprise.model_validate({**ENTERPRISES["agent"].model_dump(exclude={"certificateNumber"}),
                                   "certificate": cert.public_bytes(serialization.Encoding.PEM).decode()})


def test_openssl_made_sm2_key_and_certificate_sign_and_verify_both_ways(tmp_path):
    """OpenSSL 3 makes the key and certificate; the signature we make over SignedInfo verifies in
    OpenSSL, and one OpenSSL makes verifies here."""
    def run(*args):
        return subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp_path)
    run("genpkey", "-algorithm", "SM2", "-out", "k.pem")
    run("req", "-new", "-x509", "-key", "k.pem", "-sm3", "-sigopt", "distid:1234567812345678",
        "-subj", "/CN=3301960001", "-days", "30", "-out", "c.pem")
    run("pkey", "-in", "k.pem", "-pubout", "-out", "p.pem")
    key, cert = (tmp_path / "k.pem").read_bytes(), (tmp_path / "c.pem").read_bytes()
    body = sign_message(raw("CEB603"), key, cert)
    assert problem(body, cert) is None
    tree = etree.fromstring(body)
    (tmp_path / "signed").write_bytes(etree.tostring(tree.find(".//ds:SignedInfo", DS), method="c14n"))
    (tmp_path / "sig").write_bytes(_der(base64.b64decode(tree.find(".//ds:SignatureValue", DS).text)))
    run("dgst", "-sm3", "-verify", "p.pem", "-sigopt", "distid:1234567812345678", "-signature", "sig", "signed")
    # and the other way: OpenSSL signs SignedInfo (a DER signature value)
    run("dgst", "-sm3", "-sign", "k.pem", "-sigopt", "distid:1234567812345678", "-out", "sig2", "signed")
    tree.find(".//ds:SignatureValue", DS).text = base64.b64encode((tmp_path / "sig2").read_bytes()).decode()
    assert problem(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"), cert) is None


def _der(rs: bytes) -> bytes:
    from asn1crypto.algos import DSASignature

    return DSASignature({"r": int.from_bytes(rs[:32], "big"), "s": int.from_bytes(rs[32:], "big")}).dump()


def test_sm3_is_the_standard_one_with_or_without_openssl():
    from pysmx.SM3 import digest

    from shared.messages.signature import sm2

    vector = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"  # GB/T 32905 example 1
    assert sm2.sm3(b"abc").hex() == bytes(digest(b"abc")).hex() == vector
