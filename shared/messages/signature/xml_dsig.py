"""Enveloped XML-DSig of CEB XML messages: sign, and verify naming the step that failed.

One ``Reference URI=""`` with the enveloped-signature transform, C14N 1.0 (inclusive, with or
without comments) or exclusive C14N; SM2-SM3 with an SM3 digest (the standard's preferred
algorithm, chinaport 2022/04 URIs), RSA-SHA1 with a SHA-1 digest (the standard's other one), or
RSA with SHA-256/SHA-512 (accepted too); ``KeyInfo/KeyName`` = the certificate number and/or
``KeyInfo/X509Data/X509Certificate`` = the certificate itself.
"""
from __future__ import annotations

import base64
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from .verification_steps import (
    ALGORITHMS as _BY_NAME,
)
from .verification_steps import (
    Algorithm,
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

DSIG = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_COMMENTS = C14N + "#WithComments"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_C14N_COMMENTS = EXC_C14N + "WithComments"
ENVELOPED = DSIG + "enveloped-signature"
SM2_SM3 = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"
SM3 = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm3"
RSA_SHA1 = DSIG + "rsa-sha1"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
SHA1 = DSIG + "sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"

CANONICALISATIONS = {  # algorithm -> (exclusive, with comments)
    C14N: (False, False), C14N_COMMENTS: (False, True),
    EXC_C14N: (True, False), EXC_C14N_COMMENTS: (True, True),
}
SIGNATURE_METHODS: dict[str, Algorithm] = {
    SM2_SM3: _BY_NAME["sm2-sm3"], RSA_SHA1: _BY_NAME["rsa-sha1"], RSA_SHA256: _BY_NAME["rsa-sha256"],
    RSA_SHA512: _BY_NAME["rsa-sha512"],
}
DIGEST_METHODS = {SM3: "sm3", SHA1: "sha1", SHA256: "sha256", SHA512: "sha512"}
# algorithm name -> (SignatureMethod, DigestMethod) written when signing
ALGORITHMS = {"sm2-sm3": (SM2_SM3, SM3), "rsa-sha1": (RSA_SHA1, SHA1), "rsa-sha256": (RSA_SHA256, SHA256),
              "rsa-sha512": (RSA_SHA512, SHA512)}

_DS = "{" + DSIG + "}"


def _parser() -> etree.XMLParser:
    # hardened like shared.messages.xml_reading, but keeping comments and PIs: they are signed too
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=False, remove_pis=False, collect_ids=False)


def _c14n(node: etree._Element | etree._ElementTree, algorithm: str) -> bytes:
    exclusive, comments = CANONICALISATIONS[algorithm]
    return bytes(etree.tostring(node, method="c14n", exclusive=exclusive, with_comments=comments))


def _remove_keeping_tail(element: etree._Element) -> None:
    """Remove ``element`` but not the text after it (the enveloped transform removes the node only)."""
    parent = element.getparent()
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def sign_xml(xml: bytes, key_pem: bytes, *, key_name: str, algorithm: str | None = None,
             c14n: str = C14N, certificate: x509.Certificate | None = None) -> bytes:
    """Add an enveloped signature (last child of the root) to a CEB XML message.

    ``algorithm``: sm2-sm3, rsa-sha1, rsa-sha256 or rsa-sha512; by default the key's
    (:func:`default_algorithm`). ``certificate``: also put into ``KeyInfo/X509Data``.
    """
    key = private_key(key_pem)
    signature_method, digest_method = ALGORITHMS[algorithm or default_algorithm(key)]
    tree = etree.ElementTree(etree.fromstring(xml, _parser()))
    root = tree.getroot()
    digest_value = digest(DIGEST_METHODS[digest_method], _c14n(tree, c14n))
    signature = etree.SubElement(root, _DS + "Signature", nsmap={"ds": DSIG})
    signed_info = etree.SubElement(signature, _DS + "SignedInfo")
    etree.SubElement(signed_info, _DS + "CanonicalizationMethod", Algorithm=c14n)
    etree.SubElement(signed_info, _DS + "SignatureMethod", Algorithm=signature_method)
    reference = etree.SubElement(signed_info, _DS + "Reference", URI="")
    transforms = etree.SubElement(reference, _DS + "Transforms")
    etree.SubElement(transforms, _DS + "Transform", Algorithm=ENVELOPED)
    if c14n != C14N:  # without a C14N transform the reference is canonicalised with C14N 1.0
        etree.SubElement(transforms, _DS + "Transform", Algorithm=c14n)
    etree.SubElement(reference, _DS + "DigestMethod", Algorithm=digest_method)
    etree.SubElement(reference, _DS + "DigestValue").text = base64.b64encode(digest_value).decode()
    value = sign_value(key, SIGNATURE_METHODS[signature_method], _c14n(signed_info, c14n))
    etree.SubElement(signature, _DS + "SignatureValue").text = base64.b64encode(value).decode()
    key_info = etree.SubElement(signature, _DS + "KeyInfo")
    etree.SubElement(key_info, _DS + "KeyName").text = key_name
    if certificate is not None:
        x509_data = etree.SubElement(key_info, _DS + "X509Data")
        etree.SubElement(x509_data, _DS + "X509Certificate").text = base64.b64encode(
            certificate.public_bytes(serialization.Encoding.DER)).decode()
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


def _one(parent: etree._Element, name: str, path: str) -> etree._Element:
    found = parent.findall(_DS + name)
    if len(found) != 1:
        raise SignatureError(Step.CANONICALISATION, f"{path}/{name}",
                             f"expected exactly one {name}, found {len(found)}")
    return found[0]


def _algorithm(element: etree._Element, path: str) -> str:
    value = element.get("Algorithm") or ""
    if not value:
        raise SignatureError(Step.CANONICALISATION, path, "the Algorithm attribute is missing")
    return value


def verify_xml(xml: bytes, certificate: x509.Certificate | None, *, now: datetime | None = None) -> Verified:
    """Verify the enveloped signature of a CEB XML message against the sender's certificate.

    ``xml`` must already have passed the hardened reader (no DTD, valid UTF-8, bounded size).
    Raises :class:`SignatureError` naming the failing step.
    """
    tree = etree.ElementTree(etree.fromstring(xml, _parser()))
    root = tree.getroot()
    signatures = [child for child in root if child.tag == _DS + "Signature"]
    if len(signatures) != 1:
        raise SignatureError(Step.CANONICALISATION, "Signature",
                             f"expected one Signature as a child of the root, found {len(signatures)}")
    signature = signatures[0]
    signed_info = _one(signature, "SignedInfo", "Signature")
    c14n = _algorithm(_one(signed_info, "CanonicalizationMethod", "Signature/SignedInfo"),
                      "Signature/SignedInfo/CanonicalizationMethod")
    if c14n not in CANONICALISATIONS:
        raise SignatureError(Step.CANONICALISATION, "Signature/SignedInfo/CanonicalizationMethod",
                             f"unsupported canonicalisation {c14n}; use {C14N} or {EXC_C14N}")
    method = _algorithm(_one(signed_info, "SignatureMethod", "Signature/SignedInfo"),
                        "Signature/SignedInfo/SignatureMethod")
    if method not in SIGNATURE_METHODS:
        raise SignatureError(Step.ALGORITHM, "Signature/SignedInfo/SignatureMethod",
                             f"unsupported signature method {method}; use SM2-SM3 ({SM2_SM3}) or RSA-SHA1 "
                             f"({RSA_SHA1})")
    reference = _one(signed_info, "Reference", "Signature/SignedInfo")
    ref_path = "Signature/SignedInfo/Reference"
    if reference.get("URI") != "":
        raise SignatureError(Step.CANONICALISATION, ref_path,
                             f"URI is {reference.get('URI')!r}; the signature must cover the whole message (URI=\"\")")
    transform_c14n = C14N
    transforms = reference.findall(_DS + "Transforms")
    algorithms = [_algorithm(t, f"{ref_path}/Transforms/Transform")
                  for ts in transforms for t in ts.findall(_DS + "Transform")]
    if not algorithms or algorithms[0] != ENVELOPED or len(algorithms) > 2 \
            or (len(algorithms) == 2 and algorithms[1] not in CANONICALISATIONS):
        raise SignatureError(Step.CANONICALISATION, f"{ref_path}/Transforms",
                             f"transforms {algorithms}; expected enveloped-signature, optionally then a C14N")
    if len(algorithms) == 2:
        transform_c14n = algorithms[1]
    digest_method = _algorithm(_one(reference, "DigestMethod", ref_path), f"{ref_path}/DigestMethod")
    if digest_method not in DIGEST_METHODS:
        raise SignatureError(Step.ALGORITHM, f"{ref_path}/DigestMethod",
                             f"unsupported digest method {digest_method}; use SM3 ({SM3}) or SHA-1 ({SHA1})")
    digest_value = b64(_one(reference, "DigestValue", ref_path).text, f"{ref_path}/DigestValue", Step.DIGEST)
    signature_value = b64(_one(signature, "SignatureValue", "Signature").text, "Signature/SignatureValue",
                           Step.SIGNATURE_VALUE)
    key_name, embedded = _key_info(signature)
    certificate = check_certificate(certificate, key_name, embedded, now)
    try:
        signed_bytes = _c14n(signed_info, c14n)
    except (etree.C14NError, ValueError) as exc:
        raise SignatureError(Step.CANONICALISATION, "Signature/SignedInfo", f"canonicalisation failed: {exc}") from None
    _remove_keeping_tail(signature)
    try:
        content = _c14n(tree, transform_c14n)
    except (etree.C14NError, ValueError) as exc:
        raise SignatureError(Step.CANONICALISATION, "Signature", f"canonicalisation failed: {exc}") from None
    computed = digest(DIGEST_METHODS[digest_method], content)
    if computed != digest_value:
        raise SignatureError(Step.DIGEST, f"{ref_path}/DigestValue",
                             f"digest mismatch: the message canonicalised ({transform_c14n}) digests to "
                             f"{base64.b64encode(computed).decode()}, the signature says "
                             f"{base64.b64encode(digest_value).decode()}; the message was changed after "
                             "signing (re-serialised, re-indented or edited)")
    check_value(certificate, signature_value, signed_bytes, SIGNATURE_METHODS[method])
    return Verified(key_name=key_name, signature_method=method)


def _key_info(signature: etree._Element) -> tuple[str, bytes | None]:
    key_info = signature.find(_DS + "KeyInfo")
    if key_info is None:
        return "", None
    name = key_info.find(_DS + "KeyName")
    cert = key_info.find(f"{_DS}X509Data/{_DS}X509Certificate")
    der = b64(cert.text, "Signature/KeyInfo/X509Data/X509Certificate", Step.UNKNOWN_CERTIFICATE) if cert is not None else None
    return ((name.text or "").strip() if name is not None else ""), der
