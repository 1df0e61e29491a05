"""What every signature verification shares: the steps that can fail, the certificate checks,
the key and value checks; the XML and JSON forms build on them."""
from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import sm2


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


def key_type(certificate: x509.Certificate) -> str | None:
    """"sm2" or "rsa": the kind of key a certificate holds, None for any other (it cannot verify)."""
    if sm2.public_point(certificate) is not None:
        return "sm2"
    try:
        return "rsa" if isinstance(certificate.public_key(), rsa.RSAPublicKey) else None
    except (UnsupportedAlgorithm, ValueError):
        return None


def certificate_number(certificate: x509.Certificate) -> str:
    """The number signed messages name in ``KeyName``: the serial number, lower-case hex."""
    return format(certificate.serial_number, "x")


@dataclass(frozen=True)
class Algorithm:
    """A signature algorithm: its name in JSON signatures, the key it needs, its digest."""

    name: str
    key: str  # "rsa" | "sm2"
    digest: str  # "sha1" | "sha256" | "sha512" | "sm3"


ALGORITHMS = {a.name: a for a in (
    Algorithm("sm2-sm3", "sm2", "sm3"),
    Algorithm("rsa-sha1", "rsa", "sha1"),
    Algorithm("rsa-sha256", "rsa", "sha256"),
    Algorithm("rsa-sha512", "rsa", "sha512"),
)}
_RSA_HASHES: dict[str, type[hashes.SHA1 | hashes.SHA256 | hashes.SHA512]] = {
    "sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha512": hashes.SHA512}

SigningKey = rsa.RSAPrivateKey | sm2.Sm2PrivateKey


def digest(name: str, data: bytes) -> bytes:
    """The digest ``name`` (sha1, sha256, sha512, sm3) of ``data``."""
    return sm2.sm3(data) if name == "sm3" else hashlib.new(name, data).digest()


def private_key(key_pem: bytes) -> SigningKey:
    """An unencrypted RSA or SM2 private key from PEM; ValueError for anything else."""
    key = sm2.private_key(key_pem)
    if key is not None:
        return key
    try:
        loaded = serialization.load_pem_private_key(key_pem, password=None)
    except UnsupportedAlgorithm as exc:
        raise ValueError(f"only RSA and SM2 keys are supported: {exc}") from None
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError("only RSA and SM2 keys are supported")
    return loaded


def default_algorithm(key: SigningKey) -> str:
    """SM2-SM3 for an SM2 key (the standard's preferred algorithm), RSA-SHA256 for an RSA key."""
    return "sm2-sm3" if isinstance(key, sm2.Sm2PrivateKey) else "rsa-sha256"


def sign_value(key: SigningKey, algorithm: Algorithm, data: bytes) -> bytes:
    if algorithm.key == "sm2":
        if not isinstance(key, sm2.Sm2PrivateKey):
            raise ValueError(f"{algorithm.name} needs an SM2 key")
        return sm2.sign(key, data)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{algorithm.name} needs an RSA key")
    return key.sign(data, padding.PKCS1v15(), _RSA_HASHES[algorithm.digest]())


def b64(text: str | None, path: str, step: Step) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(step, path, "is not valid base64") from None


def check_certificate(certificate: x509.Certificate | None, key_name: str, embedded: bytes | None,
                       now: datetime | None) -> x509.Certificate:
    """The registered certificate, when it is the one the signature names and is valid ``now``."""
    path = "Signature/KeyInfo/KeyName"
    if certificate is None:
        raise SignatureError(Step.UNKNOWN_CERTIFICATE, path,
                             f"unknown certificate {key_name or '(none named)'}: the sender has no certificate "
                             "registered; register it with the enterprise (certificate)")
    number = certificate_number(certificate)
    if embedded is not None:
        if embedded != certificate.public_bytes(serialization.Encoding.DER):
            raise SignatureError(Step.UNKNOWN_CERTIFICATE, "Signature/KeyInfo/X509Data/X509Certificate",
                                 f"mismatched certificate: the certificate in the signature is not the one "
                                 f"registered for the sender ({number})")
    elif not (key_name and key_name.lower().lstrip("0") == number.lstrip("0")):
        raise SignatureError(Step.UNKNOWN_CERTIFICATE, path,
                             f"unknown certificate {key_name or '(none named)'}: the certificate registered for "
                             f"the sender is {number}")
    now = now or datetime.now(UTC)
    if now > certificate.not_valid_after_utc:
        raise SignatureError(Step.EXPIRED_CERTIFICATE, path,
                             f"certificate {number} expired on {certificate.not_valid_after_utc.isoformat()}; "
                             "register the renewed certificate and sign with it")
    if now < certificate.not_valid_before_utc:
        raise SignatureError(Step.EXPIRED_CERTIFICATE, path,
                             f"certificate {number} is not valid before {certificate.not_valid_before_utc.isoformat()}")
    return certificate


def check_value(certificate: x509.Certificate, value: bytes, signed: bytes, algorithm: Algorithm,
                 path: str = "Signature/SignatureValue", signed_part: str = "SignedInfo") -> None:
    number = certificate_number(certificate)
    failed = SignatureError(Step.SIGNATURE_VALUE, path,
                            f"signature value does not verify with certificate {number}: "
                            f"signed with another key, or {signed_part} was changed")
    if algorithm.key == "sm2":
        point = sm2.public_point(certificate)
        if point is None:
            raise SignatureError(Step.ALGORITHM, path, f"the registered certificate {number} has no SM2 key; "
                                                       f"{algorithm.name} needs an SM2 certificate")
        if not sm2.verify(point, value, signed):
            raise failed
        return
    try:
        key = certificate.public_key()
    except UnsupportedAlgorithm:
        key = None
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError(Step.ALGORITHM, path, f"the registered certificate {number} has no RSA key; "
                                                   f"{algorithm.name} needs an RSA certificate")
    try:
        key.verify(value, signed, padding.PKCS1v15(), _RSA_HASHES[algorithm.digest]())
    except InvalidSignature:
        raise failed from None
