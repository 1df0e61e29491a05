"""What the sandbox makes happen to one document, and the marker that asks for it in the document.

A document asks for an outcome with its head's ``note`` (every CEB document has one, free text):
``SANDBOX:<OUTCOME>[:<argument>]`` — for example ``SANDBOX:REJECT:2603``, ``SANDBOX:INSPECT``,
``SANDBOX:DELAY:3600``. A rule file (``shared.sandbox.rules``) does the same by business keys.

Where each outcome acts:

- gateway: ``reject`` (returnStatus 100 with the code given, default 2999), ``signature_failure``
  (100 with a signature step's code, default 2504, as if the signature did not verify);
- management, when the goods have arrived: ``inspect`` (500, an inspection task the officer
  releases or refuses) or ``release`` (800), instead of the risk engine;
- notification, on the way to the enterprise: ``no_receipt`` (never delivered on Kafka; a replay
  brings it), ``duplicate`` (delivered twice, the same ``cbec-receipt-id``), ``reorder`` (held back
  and delivered after the document's next receipt), ``delay`` (held for ``argument`` seconds of
  the sandbox clock). A delivery outcome's ``status`` (the marker's last argument) limits it to
  the receipts of that returnStatus (``SANDBOX:NO_RECEIPT:120``: only the 120 is lost); ``reorder``
  without one holds the acceptance (2), which then comes after the 120.
- ``accept``: nothing scripted; the document goes the ordinary way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from shared import return_codes as codes

MARKER_PREFIX = "SANDBOX:"
GATEWAY = frozenset({"reject", "signature_failure"})
DECISION = frozenset({"inspect", "release"})
DELIVERY = frozenset({"no_receipt", "duplicate", "reorder", "delay"})
OUTCOMES = frozenset({"accept"}) | GATEWAY | DECISION | DELIVERY
DEFAULT_REJECT_CODE = codes.SANDBOX_REJECTION  # listed in shared/return_codes.py
DEFAULT_SIGNATURE_CODE = codes.SIGNATURE_VALUE
_CODE = re.compile(r"\d{4}")
_STATUS = re.compile(r"-?\d{1,3}")


class OutcomeError(ValueError):
    """A marker or rule that names no outcome the sandbox knows."""


@dataclass(frozen=True)
class Outcome:
    kind: str
    code: str = ""  # reject / signature_failure: the return code
    status: str = ""  # delivery outcomes: only the receipts of this returnStatus ("" every one)
    delay_s: float = 0.0  # delay: seconds of the sandbox clock
    reason: str = ""  # what the receipt says (a rule's ``text``, or why a marker was not understood)

    def __post_init__(self) -> None:
        if self.kind not in OUTCOMES:
            raise OutcomeError(f"unknown sandbox outcome {self.kind!r}: one of {', '.join(sorted(OUTCOMES))}")
        if self.code and not _CODE.fullmatch(self.code):
            raise OutcomeError(f"sandbox outcome {self.kind}: code {self.code!r} is not 4 digits")
        if self.status and not _STATUS.fullmatch(self.status):
            raise OutcomeError(f"sandbox outcome {self.kind}: status {self.status!r} is not a returnStatus")

    @property
    def return_code(self) -> str:
        return self.code or (DEFAULT_SIGNATURE_CODE if self.kind == "signature_failure" else DEFAULT_REJECT_CODE)

    def delivery(self) -> str:
        """The delivery part, as it travels with a receipt (``ReceiptIssued.sandbox``): ``kind:status:delay``."""
        return f"{self.kind}:{self.status}:{self.delay_s:g}" if self.kind in DELIVERY else ""

    @classmethod
    def of_delivery(cls, text: str) -> Outcome:
        kind, status, delay = (text.split(":") + ["", ""])[:3]
        return cls(kind, status=status, delay_s=float(delay or 0))


def from_marker(note: str) -> Outcome | None:
    """The outcome a document's ``note`` asks for; None when it carries no marker."""
    if not note or not note[: len(MARKER_PREFIX)].upper() == MARKER_PREFIX:
        return None
    kind, _, argument = note[len(MARKER_PREFIX):].strip().partition(":")
    kind = kind.strip().lower().replace("-", "_")
    argument = argument.strip()
    if kind in ("reject", "signature_failure"):
        return Outcome(kind, code=argument)
    if kind == "delay":
        seconds, _, status = argument.partition(":")
        try:
            return Outcome(kind, delay_s=float(seconds or 0), status=status)
        except ValueError:
            raise OutcomeError(f"SANDBOX:DELAY:{argument}: the seconds are not a number") from None
    if kind in DELIVERY:
        return Outcome(kind, status=argument)
    return Outcome(kind)
