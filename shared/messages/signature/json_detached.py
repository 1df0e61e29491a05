"""The detached signature of CEB JSON messages (see docs/verification.md).

``Signature: {algorithm, keyName, digestValue, signatureValue}`` inside the root object; signed is
the RFC 8785 canonical form of the message without that member. Every value must be a string.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from cryptography import x509

from .verification_steps import (
    ALGORITHMS,
    SignatureError,
    Step,
    Verified,
    b64,
    check_certificate,
    check_value,
    default_algorithm,
    digest,
    private_key,
    sign_value,
)

JSON_ALGORITHMS = {name: ALGORITHMS[name] for name in ("sm2-sm3", "rsa-sha1", "rsa-sha256")}


def canonical_json(value: object) -> bytes:
    """RFC 8785 canonical form of a JSON value whose leaves are strings (or null)."""

    def check(node: object, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                check(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node, start=1):
                check(v, f"{path}[{i}]")
        elif not (isinstance(node, str) or node is None):
            raise SignatureError(Step.CANONICALISATION, path.lstrip("/"),
                                 f"{node!r} is not a string; every value of a signed JSON message must be a string")

    check(value, "")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _split(raw: bytes) -> tuple[dict[str, Any], str, dict[str, Any], object]:
    data = json.loads(raw.decode("utf-8-sig"))
    ((root, body),) = data.items()
    signature = body.get("Signature")
    unsigned = {root: {k: v for k, v in body.items() if k != "Signature"}}
    return data, root, unsigned, signature


def sign_json(raw: bytes, key_pem: bytes, *, key_name: str, algorithm: str | None = None) -> bytes:
    """Add the detached ``Signature`` member; ``algorithm`` by default the key's (sm2-sm3 or rsa-sha256)."""
    data, root, unsigned, _ = _split(raw)
    canonical = canonical_json(unsigned)
    key = private_key(key_pem)
    chosen = JSON_ALGORITHMS[algorithm or default_algorithm(key)]
    value = sign_value(key, chosen, canonical)
    body = dict(unsigned[root])
    body["Signature"] = {"algorithm": chosen.name, "keyName": key_name,
                         "digestValue": base64.b64encode(digest(chosen.digest, canonical)).decode(),
                         "signatureValue": base64.b64encode(value).decode()}
    return json.dumps({root: body}, ensure_ascii=False).encode("utf-8")


def verify_json(raw: bytes, certificate: x509.Certificate | None, *, now: datetime | None = None) -> Verified:
    """Verify the detached signature of a JSON CEB message (already decoded once, so well-formed)."""
    _, root, unsigned, signature = _split(raw)
    path = f"{root}/Signature"
    fields = ("algorithm", "keyName", "digestValue", "signatureValue")
    if not isinstance(signature, dict) or not all(isinstance(signature.get(f), str) for f in fields):
        raise SignatureError(Step.CANONICALISATION, path,
                             "must be an object with string members algorithm, keyName, digestValue, signatureValue")
    algorithm = signature["algorithm"]
    if algorithm not in JSON_ALGORITHMS:
        raise SignatureError(Step.ALGORITHM, f"{path}/algorithm",
                             f"unsupported algorithm {algorithm!r}; use sm2-sm3, rsa-sha256 or rsa-sha1")
    digest_value = b64(signature["digestValue"], f"{path}/digestValue", Step.DIGEST)
    value = b64(signature["signatureValue"], f"{path}/signatureValue", Step.SIGNATURE_VALUE)
    key_name = signature["keyName"].strip()
    certificate = check_certificate(certificate, key_name, None, now)
    canonical = canonical_json(unsigned)
    computed = digest(JSON_ALGORITHMS[algorithm].digest, canonical)
    if computed != digest_value:
        raise SignatureError(Step.DIGEST, f"{path}/digestValue",
                             f"digest mismatch: the canonical form (RFC 8785, without Signature) digests to "
                             f"{base64.b64encode(computed).decode()}; the message was changed after signing")
    check_value(certificate, value, canonical, JSON_ALGORITHMS[algorithm], f"{path}/signatureValue",
                signed_part="the message")
    return Verified(key_name=key_name, signature_method=algorithm)
