"""Signing receipts with the platform's key, the way enterprises sign their messages.

XML receipts, in the DXP envelope ``receipt_rendering`` puts them in (the official schemas allow
a ``ds:Signature`` there and not in a receipt message), get an enveloped XML-DSig signature of the
envelope (``Reference URI=""``, C14N 1.0, RSA-SHA256, ``KeyInfo/KeyName`` = the platform
certificate's number), which covers the receipt in its ``Data``; JSON receipts get the ``Signature``
member enterprises put in their JSON messages. Both come from ``shared.messages.signature``, the
module the gateway verifies enterprise messages with, so an ERP checks a receipt with the same
code path as the platform checks its messages (``verify_xml`` / ``verify_json`` and the platform
certificate).
"""
from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from shared.messages.signature import certificate_number, sign_json, sign_xml

PLATFORM_KEY_NAME = "cbec-platform"


@dataclass(frozen=True)
class PlatformSigner:
    key_pem: bytes
    key_name: str = PLATFORM_KEY_NAME
    algorithm: str = "rsa-sha256"

    @classmethod
    def of(cls, key_pem: bytes, certificate: x509.Certificate | None) -> PlatformSigner:
        """With the platform certificate, ``KeyName`` names it (its serial number, as enterprises')."""
        signer = cls(key_pem, certificate_number(certificate) if certificate is not None else PLATFORM_KEY_NAME)
        signer(b'<?xml version="1.0" encoding="UTF-8"?>\n<r/>', "xml")  # a bad key fails at start, not per receipt
        return signer

    def __call__(self, body: bytes, fmt: str) -> bytes:
        if fmt == "xml":
            return sign_xml(body, self.key_pem, key_name=self.key_name, algorithm=self.algorithm)
        return sign_json(body, self.key_pem, key_name=self.key_name, algorithm=self.algorithm)
