"""The preliminary logical verification: checks a message must pass before it is forwarded.

Each check has a code; a failure is answered with a 100 receipt whose ``returnInfo`` reads
``[Code:NNNN;Desc:<field path>: <what is wrong>]``. Format-level checks (required fields, lengths,
code formats) are in :mod:`shared.messages` and answered with CEB900.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from shared.messages.model import CebMessage, Document

from .enterprise import Enterprise


@dataclass(frozen=True)
class Problem:
    code: str
    path: str
    desc: str

    def render(self) -> str:
        return f"[Code:{self.code};Desc:{self.path}: {self.desc}]"


@dataclass(frozen=True)
class Check:
    code: str
    meaning: str
    applies_to: frozenset[str]
    run: Callable[[CebMessage, Enterprise], list[Problem]]


# which head fields name parties that must be the sender's own
SENDER_PARTY_FIELD = {
    "CEB303": "ebcCode", "CEB403": "ebcCode", "CEB505": "logisticsCode",
    "CEB603": "agentCode", "CEB605": "agentCode", "CEB607": "agentCode",
    "CEB507": "operatorCode", "CEB509": "logisticsCode",
}


def _dec(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except (InvalidOperation, ValueError):
        return None


def _docs(message: CebMessage) -> list[tuple[str, Document]]:
    return [(f"{d.name}[{i}]", d) for i, d in enumerate(message.documents, start=1)]


def _role(message: CebMessage, sender: Enterprise) -> list[Problem]:
    if sender.may_send(message.message_type):
        return []
    return [Problem("2001", message.message_type,
                    f"sender {sender.code} (roles {','.join(sender.roles)}) may not send {message.message_type}")]


def _own_party(message: CebMessage, sender: Enterprise) -> list[Problem]:
    field = SENDER_PARTY_FIELD.get(message.message_type)
    out = []
    for path, doc in _docs(message):
        if field and doc.get(field) and doc.get(field) != sender.code:
            out.append(Problem("2002", f"{path}/{field}",
                               f"{doc.get(field)} is not the sender's code {sender.code}"))
    bt = message.base_transfer
    if bt.copCode and bt.copCode != sender.code:
        out.append(Problem("2002", "BaseTransfer/copCode", f"{bt.copCode} is not the sender's code {sender.code}"))
    if bt.dxpId and bt.dxpId != sender.dxpId:
        out.append(Problem("2003", "BaseTransfer/dxpId", f"{bt.dxpId} is not the sender's DXP id {sender.dxpId}"))
    return out


def _gnum_sequence(message: CebMessage, sender: Enterprise) -> list[Problem]:
    out = []
    for path, doc in _docs(message):
        gnums = [item.get("gnum", "") for item in doc.items]
        expected = [str(i) for i in range(1, len(gnums) + 1)]
        if gnums != expected:
            out.append(Problem("2101", f"{path}/gnum", f"items must be numbered 1..{len(gnums)} without gaps, got {','.join(gnums)}"))
    return out


def _price_times_qty(message: CebMessage, sender: Enterprise) -> list[Problem]:
    out = []
    for path, doc in _docs(message):
        for i, item in enumerate(doc.items, start=1):
            qty, price, total = _dec(item.get("qty", "")), _dec(item.get("price", "")), _dec(item.get("totalPrice", ""))
            if None in (qty, price, total):
                continue
            if (qty * price).quantize(Decimal("0.01")) != total.quantize(Decimal("0.01")):
                out.append(Problem("2102", f"{path}/List[{i}]/totalPrice",
                                   f"{item['totalPrice']} is not qty {item['qty']} x price {item['price']} = {(qty * price).quantize(Decimal('0.01'))}"))
    return out


def _net_le_gross(message: CebMessage, sender: Enterprise) -> list[Problem]:
    out = []
    for path, doc in _docs(message):
        net, gross = _dec(doc.get("netWeight")), _dec(doc.get("grossWeight"))
        if net is not None and gross is not None and net > gross:
            out.append(Problem("2103", f"{path}/netWeight", f"net weight {net} exceeds gross weight {gross}"))
    return out


def _msg_sequence(message: CebMessage, sender: Enterprise) -> list[Problem]:
    out = []
    for path, doc in _docs(message):
        count, seq = doc.get("msgCount"), doc.get("msgSeqNo")
        if count.isdigit() and seq.isdigit() and not (1 <= int(seq) <= int(count)):
            out.append(Problem("2104", f"{path}/msgSeqNo", f"msgSeqNo {seq} must be between 1 and msgCount {count}"))
    return out


ALL = frozenset({"CEB303", "CEB403", "CEB505", "CEB603", "CEB605", "CEB607", "CEB507", "CEB509"})
CATALOGUE: list[Check] = [
    Check("2001", "the sender's roles allow the message type", ALL, _role),
    Check("2002", "party codes in the body are the sender's own", ALL, _own_party),
    Check("2101", "goods items are numbered 1..n without gaps", frozenset({"CEB303", "CEB603", "CEB607", "CEB507", "CEB509"}), _gnum_sequence),
    Check("2102", "item totalPrice = qty x price, to the cent", frozenset({"CEB303", "CEB603"}), _price_times_qty),
    Check("2103", "net weight does not exceed gross weight", frozenset({"CEB603"}), _net_le_gross),
    Check("2104", "msgSeqNo lies in 1..msgCount", frozenset({"CEB607", "CEB507", "CEB509"}), _msg_sequence),
]


def verify(message: CebMessage, sender: Enterprise) -> list[Problem]:
    problems: list[Problem] = []
    for check in CATALOGUE:
        if message.message_type in check.applies_to:
            problems.extend(check.run(message, sender))
    return problems
