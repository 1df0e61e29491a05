"""Signing and verifying CEB messages: enveloped XML-DSig for XML, a detached signature for JSON.

Verification names the step that failed (:class:`Step`), because "signature invalid" is what
costs integrators days: the structure/canonicalisation, the algorithm, the certificate (unknown,
expired), the digest (the content changed after signing) or the signature value.

XML: one ``Reference URI=""`` with the enveloped-signature transform, C14N 1.0 (inclusive, with or
without comments) or exclusive C14N, RSA with SHA-256, SHA-1 (legacy) or SHA-512, and
``KeyInfo/KeyName`` = the certificate number (:func:`certificate_number`). SM2-SM3 (the
standard's preferred algorithm) with SM3 digests too: see :mod:`.sm2` (by the machine's OpenSSL 3,
or pure Python where it has no SM2: :func:`sm2_engine` says which).

JSON: ``Signature: {algorithm, keyName, digestValue, signatureValue}`` inside the root object;
signed is the RFC 8785 canonical form of the message without that member (see docs/verification.md).

Enterprises (and the tests) sign with :func:`sign_message` (key and certificate PEM); the
notification service signs receipts with :func:`sign_xml` / :func:`sign_json` and the platform's
key; the gateway verifies with :func:`verify_xml` / :func:`verify_json`.
"""
from .json_detached import JSON_ALGORITHMS, canonical_json, sign_json, verify_json
from .signing import sign_message
from .sm2 import engine as sm2_engine
from .verification_steps import SignatureError, Step, Verified, certificate_number, key_type, load_certificate
from .xml_dsig import (
    C14N,
    C14N_COMMENTS,
    DSIG,
    EXC_C14N,
    EXC_C14N_COMMENTS,
    RSA_SHA1,
    RSA_SHA256,
    RSA_SHA512,
    SHA1,
    SHA256,
    SHA512,
    SM2_SM3,
    SM3,
    sign_xml,
    verify_xml,
)

__all__ = [
    "C14N", "C14N_COMMENTS", "DSIG", "EXC_C14N", "EXC_C14N_COMMENTS", "JSON_ALGORITHMS", "RSA_SHA1",
    "RSA_SHA256", "RSA_SHA512", "SHA1", "SHA256", "SHA512", "SM2_SM3", "SM3", "SignatureError", "Step", "Verified",
    "canonical_json", "certificate_number", "key_type", "load_certificate", "sign_json", "sign_message", "sign_xml", "sm2_engine", "verify_json",
    "verify_xml",
]
