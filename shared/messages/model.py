"""The CEB message as every service sees it, whatever format it arrived in.

A CEB message is a root ``CEB<code>Message`` (attributes ``guid``, ``version``) holding one or more
business documents, a ``BaseTransfer``, up to five ``BaseSubscribe`` and an optional
``ExtendMessage`` (of which its ``name`` and ``version`` are kept; its free ``Message`` is not read). A document is either *headed* (``<Doc>Head`` plus
repeated ``<Doc>List`` items, e.g. ``Inventory``) or *flat* (its fields directly inside, e.g.
``InvtCancel``). Values are kept as the strings the enterprise sent; typed checks live in the
verification catalogue.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Format = Literal["xml", "json"]


class Document(BaseModel):
    """One business document inside a message (e.g. one ``Inventory``)."""

    name: str
    head: dict[str, str] = Field(default_factory=dict)
    items: list[dict[str, str]] = Field(default_factory=list)

    def get(self, field: str, default: str = "") -> str:
        return self.head.get(field, default) or default


class BaseTransfer(BaseModel):
    copCode: str = ""
    copName: str = ""
    dxpMode: str = ""
    dxpId: str = ""
    note: str = ""


class CebMessage(BaseModel):
    """A decoded enterprise message."""

    message_type: str  # "CEB603"
    guid: str
    version: str = "1.0"
    format: Format
    documents: list[Document]
    base_transfer: BaseTransfer = Field(default_factory=BaseTransfer)
    subscriptions: list[dict[str, str]] = Field(default_factory=list)  # BaseSubscribe, 0..5
    extension: dict[str, str] | None = None  # ExtendMessage's name and version
    signed: bool = False

    @property
    def document(self) -> Document:
        return self.documents[0]


class Receipt(BaseModel):
    """A receipt message to render for an enterprise (CEB604, CEB608, CEB900, ...).

    ``fields`` are the receipt element's children in the official schema's order: the original
    ``guid``, the fields of the document answered, ``returnStatus``, ``returnTime``, ``returnInfo``
    (CEB900: ``guid``, the return fields, ``oriCopMsgId``, ``oriMessageType``, ``oriBizMessage``).
    """

    message_type: str  # "CEB604"
    guid: str  # the receipt message's own guid (root attribute)
    fields: dict[str, str]
    # further receipt elements of the same message (the standard allows up to 100 in one; the
    # platform sends one per message, the customs' samples hold several)
    further: list[dict[str, str]] = Field(default_factory=list)
