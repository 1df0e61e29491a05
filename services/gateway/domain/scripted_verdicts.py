"""The sandbox's verdicts at the gateway (``shared/sandbox``): a rejection with the code the
integrator chose, or a signature failure, answered as the gateway answers its own (100)."""
from __future__ import annotations

from shared import sandbox
from shared.messages.model import CebMessage

from .checking import Problem, documents


def _scripted(message: CebMessage, kind: str) -> list[Problem]:
    if not sandbox.active():
        return []
    out = []
    for _, path, doc in documents(message):
        outcome = sandbox.gateway_outcome(message.message_type, doc.head)
        if outcome is not None and outcome.kind == kind:
            where = "Signature/SignatureValue" if kind == "signature_failure" else f"{path}/note"
            text = outcome.reason or ("sandbox: the signature does not verify, as scripted" if kind == "signature_failure"
                                      else f"sandbox: rejected with code {outcome.return_code}, as scripted")
            out.append(Problem(outcome.return_code, where, text))
    return out


def scripted_rejections(message: CebMessage) -> list[Problem]:
    return _scripted(message, "reject")


def scripted_signature_problem(message: CebMessage) -> Problem | None:
    found = _scripted(message, "signature_failure")
    return found[0] if found else None
