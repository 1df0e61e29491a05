"""Who may send what: the sender's roles, its own party codes, the parties it names."""
from __future__ import annotations

from shared import return_codes as codes
from shared.messages.catalogue import spec_for
from shared.messages.model import CebMessage

from .checking import Context, Problem, documents

# parties a message names besides the sender, and the role each must be registered with
NAMED_PARTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "CEB303": (),
    "CEB403": (),
    "CEB505": (("ebcCode", "ebc"),),
    "CEB603": (("ebcCode", "ebc"), ("logisticsCode", "logistics")),
    "CEB605": (("ebcCode", "ebc"),),
    "CEB607": (("logisticsCode", "logistics"),),
    "CEB507": (("logisticsCode", "logistics"),),
    "CEB509": (),
    "CEB213": (("ebcCode", "ebc"),),  # the return's logistics may be an inbound carrier we do not know
    "CEB215": (),
    "CEB701": (("ebcCode", "ebc"),),
}


def role_allows_type(message: CebMessage, ctx: Context) -> list[Problem]:
    sender = ctx.sender
    if sender.may_send(message.message_type):
        return []
    return [Problem(codes.ROLE_MAY_NOT_SEND_TYPE, f"{message.message_type}Message",
                    f"sender {sender.code} (roles {','.join(sender.roles)}) may not send "
                    f"{message.message_type}; see the roles table of the registry")]


def parties_are_senders_own(message: CebMessage, ctx: Context) -> list[Problem]:
    sender = ctx.sender
    field = spec_for(message.message_type).sender_field
    out = []
    for _, path, doc in documents(message):
        value = doc.get(field)
        if value and value != sender.code:
            out.append(Problem(codes.PARTY_NOT_SENDER, f"{path}/{field}",
                               f"{value} is not the sender's code {sender.code}: an enterprise may "
                               "only declare in its own name"))
    cop = message.base_transfer.copCode
    if cop and cop != sender.code:
        out.append(Problem(codes.PARTY_NOT_SENDER, "BaseTransfer/copCode", f"{cop} is not the sender's code {sender.code}"))
    return out


def dxp_id_is_senders(message: CebMessage, ctx: Context) -> list[Problem]:
    dxp = message.base_transfer.dxpId
    if dxp and dxp != ctx.sender.dxpId:
        return [Problem(codes.DXP_ID_NOT_SENDERS, "BaseTransfer/dxpId",
                        f"{dxp} is not the sender's DXP id {ctx.sender.dxpId}")]
    return []


def transport_sender_is_key(message: CebMessage, ctx: Context) -> list[Problem]:
    if ctx.transport_sender is not None and ctx.transport_sender != ctx.kafka_key:
        return [Problem(codes.TRANSPORT_SENDER_NOT_SENDERS, "DxpMsg/TransInfo/SenderId",
                        f"{ctx.transport_sender or '(empty)'} does not match the sender's DXP id {ctx.kafka_key}")]
    return []


def named_parties_registered(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for _, path, doc in documents(message):
        for field, role in NAMED_PARTIES.get(message.message_type, ()):
            code = doc.get(field)
            if not code:
                continue
            party = ctx.parties.get(code)
            if party is None:
                out.append(Problem(codes.PARTY_NOT_REGISTERED, f"{path}/{field}", f"{code} is not a registered enterprise"))
            elif role not in party.roles:
                out.append(Problem(codes.PARTY_NOT_REGISTERED, f"{path}/{field}",
                                   f"{code} is registered without the role {role} "
                                   f"(roles {','.join(party.roles)})"))
    return out


def party_codes_named(message: CebMessage) -> set[str]:
    """The codes :func:`named_parties_registered` will look up."""
    return {doc.get(f) for _, _, doc in documents(message)
            for f, _ in NAMED_PARTIES.get(message.message_type, ()) if doc.get(f)}
