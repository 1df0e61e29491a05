"""Signing a CEB message the way the gateway verifies it, from the enterprise's key and certificate."""
from __future__ import annotations

from .json_detached import sign_json
from .verification_steps import certificate_number, load_certificate
from .xml_dsig import sign_xml


def sign_message(message: bytes, key_pem: bytes, cert_pem: bytes, *, algorithm: str | None = None) -> bytes:
    """Sign a CEB message: XML with an enveloped signature (``KeyName`` and ``X509Certificate``),
    JSON with the detached ``Signature`` member. SM2 keys sign SM2-SM3, RSA keys RSA-SHA256 unless
    ``algorithm`` says otherwise (``rsa-sha1`` is the standard's RSA algorithm)."""
    certificate = load_certificate(cert_pem)
    number = certificate_number(certificate)
    if message.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return sign_json(message, key_pem, key_name=number, algorithm=algorithm)
    return sign_xml(message, key_pem, key_name=number, algorithm=algorithm, certificate=certificate)
