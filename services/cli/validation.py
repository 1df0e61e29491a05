"""``cbec validate``: what the gateway would answer a message, offline (no stack, no registry).

The gateway's own code, in the gateway's order (services/gateway/service_layer/intake.py):

1. reading (``decode_message``: 9001–9003, 9007–9012) and field formats (``check_fields``:
   9004–9006) — the gateway answers these with a CEB900;
2. the official XSD (``shared.messages.official_schema``; a JSON message as its XML twin) — the
   gateway does not run it, the standard is the reference every integrator is held to;
3. the signature (25xx) when a certificate is given, or 2501 when a declared message is unsigned
   and ``signature_mode`` is ``required``;
4. the logic checks of the catalogue (20xx, 21xx, 2604) — answered with returnStatus 100.

Offline the sender is who the message says it is (its declaring party's code, ``BaseTransfer/
dxpId``, or ``--sender``), with every role unless ``roles`` are given. What needs the platform's
state is not checked: 2005 (parties registered), 2201 (guid reuse), 2123 against an order the
platform has seen, and management's checks (2202 and later).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from lxml import etree

from shared import return_codes as codes
from shared.messages import FormatError, check_fields, decode_message, encode_message
from shared.messages.catalogue import spec_for
from shared.messages.errors import return_info
from shared.messages.model import CebMessage
from shared.messages.official_schema import schema_problems
from shared.messages.transport import DxpTransInfo, open_envelope
from shared.messages.xml_reading import read_xml

NOT_CHECKED_OFFLINE = ("2005 parties registered", "2201 guid not used before", "2123 payment against an order seen",
                       "management's checks (2202 and later)")
ALL_ROLES = ["agent", "ebc", "ebp", "logistics", "operator"]


@dataclass
class Finding:
    stage: str  # read | fields | schema | signature | logic
    code: str  # the returnInfo code; "XSD" for the schema
    path: str
    desc: str

    @property
    def return_info(self) -> str:
        return return_info(self.code, f"{self.path}: {self.desc}" if self.path else self.desc)


@dataclass
class Report:
    file: str
    format: str = ""
    message_type: str = ""
    guid: str = ""
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.findings

    @property
    def answer(self) -> str:
        """The receipt the gateway would send: "CEB900 -1", "CEB604 100", or "CEB604 2"."""
        if any(f.stage in ("read", "fields") for f in self.findings):
            return "CEB900 -1"
        receipt = spec_for(self.message_type).receipt.message_type
        gateway = [f for f in self.findings if f.stage in ("signature", "logic")]
        if gateway:
            return f"{receipt} 100"
        return f"{receipt} 2" if receipt else ""

    def as_json(self) -> dict:
        return {"file": self.file, "valid": self.valid, "format": self.format, "messageType": self.message_type,
                "guid": self.guid, "gatewayAnswer": self.answer,
                "findings": [{**asdict(f), "returnInfo": f.return_info} for f in self.findings],
                "notes": self.notes}


def signed_bytes(raw: bytes, transport: DxpTransInfo | None) -> bytes:
    """The CEB message as signed: the bytes received, or the ``Data`` of a DXP envelope."""
    if transport is None:
        return raw
    return open_envelope(read_xml(raw))[1]


def validate(raw: bytes, name: str, *, sender_dxp: str | None = None, roles: list[str] | None = None,
             certificate_pem: str | None = None, signature_mode: str = "optional",
             now: datetime | None = None) -> Report:
    from services.gateway.domain.bill_assembly import part_numbers
    from services.gateway.domain.checking import Context, head_path
    from services.gateway.domain.signature_check import changes_customs_state, signature_problem
    from services.gateway.domain.verification import verify
    from services.gateway.service_layer.intake import WHOLE_BILL_CHECKS
    from services.gateway.settings import GatewaySettings

    report = Report(file=name)
    try:
        message, transport = decode_message(raw)
    except FormatError as e:
        report.format, report.message_type, report.guid = e.format, e.message_type, e.guid
        report.findings.append(Finding("read", e.code, "", e.reason))
        return report
    report.format, report.message_type, report.guid = message.format, message.message_type, message.guid
    problems = check_fields(message)
    if problems:
        report.findings += [Finding("fields", p.code, p.path, p.description) for p in problems]
        return report
    report.findings += [Finding("schema", "XSD", "", p) for p in _schema_problems(raw, message)]

    now = now or datetime.now(UTC)
    signed = signed_bytes(raw, transport) if message.signed else b""
    if message.signed and not certificate_pem:
        report.notes.append("signed: the signature is not checked without --cert (the gateway checks it against "
                            "the registered certificate)")
    elif not message.signed and changes_customs_state(message) and signature_mode != "required":
        report.notes.append("unsigned declaration: a gateway with CBEC_SIGNATURE_MODE=required answers 2501")
    if certificate_pem or not message.signed:
        problem = signature_problem(message, signed, certificate_pem, signature_mode, now)
        if problem is not None:
            report.findings.append(Finding("signature", problem.code, problem.path, problem.desc))
            return report

    sender = _implied_sender(message, transport, sender_dxp, roles)
    context = Context(sender=sender, kafka_key=sender.dxpId,
                      transport_sender=transport.SenderId if transport is not None else None, now=now)
    part = part_numbers(message)
    max_parts = GatewaySettings.from_env().max_parts
    if part is not None and part[2] > max_parts:
        report.findings.append(Finding("logic", codes.TOO_MANY_PARTS, f"{head_path(message, 1)}/msgCount",
                                       f"msgCount {part[2]}: a split bill has at most {max_parts} parts"))
        return report
    skip = {codes.PARTY_NOT_REGISTERED} | (WHOLE_BILL_CHECKS if part else set())
    report.findings += [Finding("logic", p.code, p.path, p.desc) for p in verify(message, context, skip=frozenset(skip))]
    if part is not None:
        report.notes.append(f"part {part[1]} of {part[2]}: 2101 and 2111 are checked on the whole bill")
    return report


def _schema_problems(raw: bytes, message: CebMessage) -> list[str]:
    try:
        return schema_problems(raw if message.format == "xml" else encode_message(message, "xml"))
    except etree.LxmlError as e:
        return [f"the schema could not be applied: {e}"]


def _implied_sender(message: CebMessage, transport: DxpTransInfo | None, sender_dxp: str | None,
                    roles: list[str] | None):
    """The enterprise the message says it comes from (offline there is no registry to ask)."""
    from services.gateway.domain.enterprise import Enterprise

    field_name = spec_for(message.message_type).sender_field
    code = message.document.get(field_name) or message.base_transfer.copCode
    dxp = sender_dxp or (transport.SenderId if transport is not None and transport.SenderId else "") \
        or message.base_transfer.dxpId
    return Enterprise.model_construct(code=code, name=message.base_transfer.copName or code, dxpId=dxp,
                                      roles=sorted(roles or ALL_ROLES), certificate=None)
