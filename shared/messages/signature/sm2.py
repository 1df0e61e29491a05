"""SM2 with SM3 (GM/T 0003, GM/T 0009): the 2022 chinaport signature algorithm.

``cryptography`` reads an SM2 certificate (serial, validity, DER) but not its key, so the public
point is read with ``asn1crypto`` and the arithmetic done by ``snowland-smx`` (``pysmx``). The
signer's identity in ``e = SM3(Z || M)`` is the GM/T 0009 default ``1234567812345678`` (what
``openssl dgst -sm3 -sigopt distid:1234567812345678`` uses). A signature value is read as the
64-byte ``r || s`` or as a DER ``SEQUENCE {r, s}``; it is written as ``r || s``.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache

from asn1crypto import keys, pem
from asn1crypto import x509 as asn1_x509
from asn1crypto.algos import DSASignature
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pysmx.SM2 import Sign, Verify, kG, sm2_G
from pysmx.SM2._SM2 import sm2_a, sm2_b
from pysmx.SM3 import digest as _sm3_digest

SM2_CURVE = "1.2.156.10197.1.301"
SIGNER_ID = b"1234567812345678"
N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)

keys.NamedCurve.register("sm2", SM2_CURVE, 32)  # so that asn1crypto sizes SM2 keys


@lru_cache(maxsize=1)
def _openssl_has_sm3() -> bool:
    return "sm3" in hashlib.algorithms_available


def sm3(data: bytes) -> bytes:
    """SM3 of ``data``: OpenSSL's when it has SM3 (700 times faster), else pysmx's."""
    if _openssl_has_sm3():
        return hashlib.new("sm3", data).digest()
    return bytes(_sm3_digest(data))


def _e(point: bytes, data: bytes) -> str:
    """GM/T 0003 ``e = SM3(Z || M)``, ``Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA)``, in hex."""
    z = sm3((len(SIGNER_ID) * 8).to_bytes(2, "big") + SIGNER_ID + sm2_a.to_bytes(32, "big")
            + sm2_b.to_bytes(32, "big") + bytes.fromhex(sm2_G) + point)
    return sm3(z + data).hex()


@dataclass(frozen=True)
class Sm2PrivateKey:
    scalar: int
    public: bytes  # x || y, 64 bytes


def _is_sm2(parameters) -> bool:
    return parameters is not None and parameters.name == "named" and parameters.chosen.dotted == SM2_CURVE


def public_point(certificate: x509.Certificate) -> bytes | None:
    """The certificate's SM2 public point ``x || y`` (64 bytes); None when its key is not SM2."""
    der = certificate.public_bytes(serialization.Encoding.DER)
    spki = asn1_x509.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"]
    algorithm = spki["algorithm"]
    if algorithm["algorithm"].dotted != SM2_CURVE and not (
            algorithm["algorithm"].native == "ec" and _is_sm2(algorithm["parameters"])):
        return None
    point = spki["public_key"].native
    if len(point) != 65 or point[0] != 4:
        return None
    return bytes(point[1:])


def private_key(key_pem: bytes) -> Sm2PrivateKey | None:
    """An unencrypted SM2 private key (PKCS#8 or SEC1 PEM); None when the key is not SM2."""
    try:
        kind, _, der = pem.unarmor(key_pem)
        if kind in ("EC PRIVATE KEY", "SM2 PRIVATE KEY"):
            ec = keys.ECPrivateKey.load(der)
            parameters = ec["parameters"]
        elif kind == "PRIVATE KEY":
            info = keys.PrivateKeyInfo.load(der)
            if info["private_key_algorithm"]["algorithm"].native != "ec":
                return None
            parameters = info["private_key_algorithm"]["parameters"]
            ec = info["private_key"].parsed
            if not _is_sm2(parameters):
                parameters = ec["parameters"]
        else:
            return None
        if not _is_sm2(parameters):
            return None
        scalar = ec["private_key"].native
    except (ValueError, TypeError, KeyError):
        return None
    point = kG(scalar, sm2_G, 64)
    return Sm2PrivateKey(scalar=scalar, public=bytes.fromhex(point[:128]))


def sign(key: Sm2PrivateKey, data: bytes) -> bytes:
    """The SM2-SM3 signature of ``data`` as ``r || s`` (64 bytes)."""
    while True:
        nonce = format(secrets.randbelow(N - 1) + 1, "064x")
        value = Sign(_e(key.public, data), format(key.scalar, "064x"), nonce, 64, Hexstr=1)
        if value:
            return bytes(value)


def _r_s(value: bytes) -> tuple[int, int] | None:
    if len(value) == 64:
        return int.from_bytes(value[:32], "big"), int.from_bytes(value[32:], "big")
    try:
        parsed = DSASignature.load(value, strict=True)
        return parsed["r"].native, parsed["s"].native
    except (ValueError, TypeError):
        return None


def verify(point: bytes, value: bytes, data: bytes) -> bool:
    """Whether ``value`` (``r || s`` or DER) is the SM2-SM3 signature of ``data`` by ``point``."""
    rs = _r_s(value)
    if rs is None or not all(1 <= v < N for v in rs):
        return False
    r, s = rs
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    try:
        return bool(Verify(raw, _e(point, data), point.hex(), 64, Hexstr=1))
    except (ValueError, ZeroDivisionError):  # a point that is not on the curve
        return False
