"""What every signature verification shares: the steps that can fail, the certificate checks,
the key and value checks; the XML and JSON forms build on them."""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


class Step(str, Enum):
    """The verification step that failed."""

    CANONICALISATION = "canonicalisation"
    ALGORITHM = "algorithm"
    UNKNOWN_CERTIFICATE = "unknown certificate"
    EXPIRED_CERTIFICATE = "expired certificate"
    DIGEST = "digest"
    SIGNATURE_VALUE = "signature value"


class SignatureError(Exception):
    def __init__(self, step: Step, path: str, detail: str) -> None:
        super().__init__(f"{path}: {step.value}: {detail}")
        self.step = step
        self.path = path
        self.detail = detail


@dataclass(frozen=True)
class Verified:
    key_name: str
    signature_method: str


def load_certificate(pem: str | bytes) -> x509.Certificate:
    """An X.509 certificate from PEM; ValueError when it is not one."""
    data = pem.encode() if isinstance(pem, str) else pem
    return x509.load_pem_x509_certificate(data)


def certificate_number(certificate: x509.Certificate) -> str:
    """The number signed messages name in ``KeyName``: the serial number, lower-case hex."""
    return format(certificate.serial_number, "x")


def private_key(key_pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(key_pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("only RSA keys are supported")
    return key


def b64(text: str | None, path: str, step: Step) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(step, path, "is not valid base64") from None


def check_certificate(certificate: x509.Certificate | None, key_name: str, embedded: bytes | None,
                       now: datetime | None) -> None:
    path = "Signature/KeyInfo/KeyName"
    if certificate is None:
        raise SignatureError(Step.UNKNOWN_CERTIFICATE, path,
                             f"unknown certificate {key_name or '(none named)'}: the sender has no certificate "
                             "registered; register it with the enterprise (certificate)")
    number = certificate_number(certificate)
    matches_name = key_name and key_name.lower().lstrip("0") == number.lstrip("0")
    matches_der = embedded is not None and embedded == certificate.public_bytes(serialization.Encoding.DER)
    if not (matches_name or matches_der):
        raise SignatureError(Step.UNKNOWN_CERTIFICATE, path,
                             f"unknown certificate {key_name or '(none named)'}: the certificate registered for "
                             f"the sender is {number}")
    now = now or datetime.now(timezone.utc)
    if now > certificate.not_valid_after_utc:
        raise SignatureError(Step.EXPIRED_CERTIFICATE, path,
                             f"certificate {number} expired on {certificate.not_valid_after_utc.isoformat()}; "
                             "register the renewed certificate and sign with it")
    if now < certificate.not_valid_before_utc:
        raise SignatureError(Step.EXPIRED_CERTIFICATE, path,
                             f"certificate {number} is not valid before {certificate.not_valid_before_utc.isoformat()}")


def check_value(certificate: x509.Certificate, value: bytes, signed: bytes, algorithm: hashes.HashAlgorithm,
                 path: str = "Signature/SignatureValue") -> None:
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError(Step.ALGORITHM, path, "the registered certificate's key is not RSA")
    try:
        key.verify(value, signed, padding.PKCS1v15(), algorithm)
    except InvalidSignature:
        raise SignatureError(Step.SIGNATURE_VALUE, path,
                             f"signature value does not verify with certificate {certificate_number(certificate)}: "
                             "signed with another key, or SignedInfo was changed") from None
