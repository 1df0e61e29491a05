"""SM2 with SM3 (GM/T 0003, GM/T 0009): the 2022 chinaport signature algorithm.

``cryptography`` reads an SM2 certificate (serial, validity, DER) but not its key, so the public
point and private scalar are read with ``asn1crypto``; the curve arithmetic is the machine's OpenSSL 3
(:mod:`.sm2_openssl`, ~0.4 ms a signature) or, where that has no SM2, pure Python
(:mod:`.sm2_reference`, ~7 ms): :func:`engine` says which, chosen on first use. The signer's identity
in ``e = SM3(Z || M)`` is the GM/T 0009 default ``1234567812345678`` (what
``openssl dgst -sm3 -sigopt distid:1234567812345678`` uses). A signature value is read as the
64-byte ``r || s`` or as a DER ``SEQUENCE {r, s}``; it is written as ``r || s``.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from asn1crypto import keys, pem
from asn1crypto import x509 as asn1_x509
from asn1crypto.algos import DSASignature
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from . import sm2_openssl
from .sm2_reference import N, ReferenceSm2, kG, sm2_G
from .sm3 import sm3

__all__ = ["N", "SIGNER_ID", "SM2_CURVE", "Sm2PrivateKey", "engine", "kG", "private_key", "public_point",
           "sign", "sm2_G", "sm3", "verify"]

log = logging.getLogger(__name__)

SM2_CURVE = "1.2.156.10197.1.301"
SIGNER_ID = b"1234567812345678"

keys.NamedCurve.register("sm2", SM2_CURVE, 32)  # so that asn1crypto sizes SM2 keys

_engine: sm2_openssl.OpenSslSm2 | ReferenceSm2 | None = None
_engine_lock = threading.Lock()


def _arithmetic() -> sm2_openssl.OpenSslSm2 | ReferenceSm2:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                chosen = sm2_openssl.load()
                if chosen is None:
                    log.warning("SM2-SM3 signatures: no libcrypto 3 with SM2 found, using the pure-Python "
                                "arithmetic (about 10 times slower)")
                _engine = chosen or ReferenceSm2()
    return _engine


def engine() -> str:
    """What does the SM2 arithmetic: ``OpenSSL 3.0.19 … (libcrypto.so.3)`` or ``pure Python …``."""
    return _arithmetic().name


@dataclass(frozen=True)
class Sm2PrivateKey:
    scalar: int
    public: bytes  # x || y, 64 bytes


def _is_sm2(parameters: Any) -> bool:
    return parameters is not None and parameters.name == "named" and parameters.chosen.dotted == SM2_CURVE


def public_point(certificate: x509.Certificate) -> bytes | None:
    """The certificate's SM2 public point ``x || y`` (64 bytes); None when its key is not SM2."""
    return _public_point(certificate.public_bytes(serialization.Encoding.DER))


@lru_cache(maxsize=4096)  # a registered certificate is read for every message its enterprise signs
def _public_point(der: bytes) -> bytes | None:
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
    """An unencrypted SM2 private key (PKCS#8 or SEC1 PEM); None when the key is not SM2,
    ValueError when its scalar is not one of the curve's (0, or not below the order)."""
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
    if not 1 <= scalar < N - 1:  # GM/T 0003.1 §6.1: d in [1, n - 2]
        raise ValueError("not an SM2 private key: its scalar is out of range")
    return Sm2PrivateKey(scalar=scalar, public=_arithmetic().public_of(scalar))


def sign(key: Sm2PrivateKey, data: bytes) -> bytes:
    """The SM2-SM3 signature of ``data`` as ``r || s`` (64 bytes)."""
    r, s = _arithmetic().sign(key.scalar, key.public, SIGNER_ID, data)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


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
    return _arithmetic().verify(point, r, s, SIGNER_ID, data)
