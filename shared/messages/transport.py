"""The DXP transport envelope around a CEB message.

```xml
<DxpMsg xmlns="http://www.chinaport.gov.cn/dxp" ver="1.0">
  <TransInfo>
    <CopMsgId>...</CopMsgId><SenderId>DXPENT0000000001</SenderId>
    <ReceiverIds><ReceiverId>DXPEDCCEB0000002</ReceiverId></ReceiverIds>
    <CreatTime>...</CreatTime><MsgType>CEB603Message</MsgType>
  </TransInfo>
  <Data>base64 of the CEB XML</Data>
  <AddInfo>...</AddInfo>  <!-- optional, ignored -->
</DxpMsg>
```

This module opens the envelope (the caller decodes the CEB XML inside and checks ``SenderId``
against the Kafka key) and builds one around a receipt the platform signs (``envelope``): the
official schemas allow a ``ds:Signature`` in the envelope, not in a receipt message.
"""
from __future__ import annotations

import base64
import binascii

from lxml import etree
from pydantic import BaseModel, Field

from shared.messages.errors import (
    EMPTY_MESSAGE,
    MALFORMED_STRUCTURE,
    TOO_DEEP,
    WRONG_NAMESPACE,
    FormatError,
)
from shared.messages.limits import MAX_DEPTH, too_deep
from shared.messages.xml_reading import local_name, namespace_of, subtree_depth
from shared.messages.xml_writing import DECLARATION, escape_text

DXP_NAMESPACE = "http://www.chinaport.gov.cn/dxp"
DSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"

_DXP = "{" + DXP_NAMESPACE + "}"
ENVELOPE_TAG = _DXP + "DxpMsg"
_TRANS_FIELDS = {"CopMsgId", "SenderId", "CreatTime", "MsgType"}


class DxpTransInfo(BaseModel):
    """The envelope's ``TransInfo``: who sent the message, to whom, what it is.

    Field names are the element names, as in ``BaseTransfer``.
    """

    CopMsgId: str = ""
    SenderId: str = ""  # the sender's DXP id; must equal the Kafka key
    ReceiverIds: list[str] = Field(default_factory=list)
    CreatTime: str = ""
    MsgType: str = ""  # e.g. "CEB603Message"


def envelope(data: bytes, info: DxpTransInfo) -> bytes:
    """A ``DxpMsg`` carrying ``data`` (a CEB XML message), as the transfer schema defines it."""
    receivers = "".join(f"<dxp:ReceiverId>{escape_text(r)}</dxp:ReceiverId>" for r in info.ReceiverIds)
    return (
        f'{DECLARATION}\n<dxp:DxpMsg ver="1.0" xmlns:dxp="{DXP_NAMESPACE}"><dxp:TransInfo>'
        f"<dxp:CopMsgId>{escape_text(info.CopMsgId)}</dxp:CopMsgId><dxp:SenderId>{escape_text(info.SenderId)}"
        f"</dxp:SenderId><dxp:ReceiverIds>{receivers}</dxp:ReceiverIds><dxp:CreatTime>{escape_text(info.CreatTime)}"
        f"</dxp:CreatTime><dxp:MsgType>{escape_text(info.MsgType)}</dxp:MsgType></dxp:TransInfo>"
        f"<dxp:Data>{base64.b64encode(data).decode()}</dxp:Data></dxp:DxpMsg>\n"
    ).encode()


def is_envelope(root: etree._Element) -> bool:
    return bool(root.tag == ENVELOPE_TAG)


def open_envelope(root: etree._Element) -> tuple[DxpTransInfo, bytes]:
    """Read ``TransInfo`` and the base64-decoded ``Data`` of a ``DxpMsg`` root element."""
    info: DxpTransInfo | None = None
    data: bytes | None = None
    for child in root:
        tag = child.tag
        if tag == _DXP + "TransInfo":
            info = _trans_info(child)
        elif tag == _DXP + "Data":
            data = _data(child)
        elif tag == _DXP + "AddInfo" or tag == "{" + DSIG_NAMESPACE + "}Signature":
            if subtree_depth(child, MAX_DEPTH - 1) > MAX_DEPTH - 1:
                raise FormatError(TOO_DEEP, too_deep(MAX_DEPTH + 1), format="xml")
        else:
            raise _unexpected(child, "DxpMsg", "TransInfo, Data or AddInfo")
    if info is None:
        raise FormatError(MALFORMED_STRUCTURE, "DxpMsg/TransInfo is missing", format="xml")
    if data is None:
        raise FormatError(MALFORMED_STRUCTURE, "DxpMsg/Data is missing", format="xml")
    return info, data


def _trans_info(element: etree._Element) -> DxpTransInfo:
    values: dict[str, object] = {}
    for child in element:
        name = child.tag[len(_DXP):] if child.tag.startswith(_DXP) else None
        if name == "ReceiverIds":
            receivers = []
            for receiver in child:
                if receiver.tag != _DXP + "ReceiverId" or len(receiver):
                    raise _unexpected(receiver, "DxpMsg/TransInfo/ReceiverIds", "ReceiverId")
                receivers.append((receiver.text or "").strip())
            values["ReceiverIds"] = receivers
        elif name in _TRANS_FIELDS and not len(child):
            values[name] = (child.text or "").strip()
        else:
            raise _unexpected(
                child, "DxpMsg/TransInfo", "CopMsgId, SenderId, ReceiverIds, CreatTime, MsgType"
            )
    return DxpTransInfo.model_validate(values)


def _data(element: etree._Element) -> bytes:
    text = "".join((element.text or "").split())
    if not text:
        raise FormatError(EMPTY_MESSAGE, "DxpMsg/Data is empty", format="xml")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise FormatError(
            MALFORMED_STRUCTURE, "DxpMsg/Data is not valid base64 of the CEB XML", format="xml"
        ) from None


def _unexpected(element: etree._Element, parent: str, expected: str) -> FormatError:
    if namespace_of(element.tag) not in (DXP_NAMESPACE, DSIG_NAMESPACE):
        return FormatError(
            WRONG_NAMESPACE,
            f"{parent}/{local_name(element.tag)} is in namespace "
            f"'{namespace_of(element.tag)}'; expected {DXP_NAMESPACE}",
            format="xml",
        )
    return FormatError(
        MALFORMED_STRUCTURE,
        f"{parent}/{local_name(element.tag)} is not expected there; expected {expected}",
        format="xml",
    )
