"""Whether a message's signature is required, and what a failed verification is answered with."""
from __future__ import annotations

from datetime import datetime

from lxml import etree

from shared import return_codes as codes
from shared.messages.model import CebMessage, Document
from shared.messages.signature import SignatureError, Step, load_certificate, verify_json, verify_xml

from .checking import Problem

REQUIRED = "required"
OPTIONAL = "optional"
MODES = (REQUIRED, OPTIONAL)

CODE_OF_STEP = {
    Step.CANONICALISATION: codes.SIGNATURE_CANONICALISATION,
    Step.DIGEST: codes.SIGNATURE_DIGEST,
    Step.SIGNATURE_VALUE: codes.SIGNATURE_VALUE,
    Step.UNKNOWN_CERTIFICATE: codes.SIGNATURE_UNKNOWN_CERTIFICATE,
    Step.EXPIRED_CERTIFICATE: codes.SIGNATURE_CERTIFICATE_NOT_VALID_NOW,
    Step.ALGORITHM: codes.SIGNATURE_ALGORITHM,
}


def is_draft(doc: Document) -> bool:
    """appStatus 1 (暂存): kept by the platform as a draft, never forwarded to customs."""
    return doc.get("appStatus") == "1"


def changes_customs_state(message: CebMessage) -> bool:
    """Anything but a draft (declarations of every type, cancellations, ...): must be signed."""
    return not all(is_draft(doc) for doc in message.documents)


def signature_problem(message: CebMessage, signed_bytes: bytes, certificate_pem: str | None, mode: str,
                      now: datetime) -> Problem | None:
    """None when the message may go on; else the problem naming the failed step.

    ``signed_bytes``: the CEB message itself (the ``Data`` of a DXP envelope), as received.
    """
    root = f"{message.message_type}Message"
    if not message.signed:
        if changes_customs_state(message) and mode == REQUIRED:
            return Problem(codes.UNSIGNED, f"{root}/Signature",
                           "a declared message (appStatus 2) must be signed with the enterprise's registered "
                           "certificate (enveloped XML-DSig, SM2-SM3 or RSA; for JSON see docs/verification.md); "
                           "send appStatus 1 to store a draft")
        return None
    certificate = load_certificate(certificate_pem) if certificate_pem else None
    try:
        if message.format == "xml":
            verify_xml(signed_bytes, certificate, now=now)
        else:
            verify_json(signed_bytes, certificate, now=now)
    except SignatureError as err:
        return Problem(CODE_OF_STEP[err.step], err.path, f"{err.step.value}: {err.detail}")
    except (ValueError, TypeError, etree.LxmlError) as exc:  # anything the steps did not foresee
        return Problem(codes.SIGNATURE_CANONICALISATION, "Signature", f"canonicalisation: the signature could not be processed: "
                                            f"{type(exc).__name__}: {str(exc)[:200]}")
    return None
