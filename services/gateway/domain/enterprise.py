"""Enterprises known to the platform, and what each role may send."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, computed_field, field_validator

from shared.messages.signature import certificate_number, key_type, load_certificate

Role = Literal["agent", "ebc", "ebp", "logistics", "operator"]

# which message types each role may send (handbook: "Parties")
MESSAGES_BY_ROLE: dict[str, frozenset[str]] = {
    "agent": frozenset({"CEB603", "CEB605", "CEB607", "CEB213", "CEB701"}),
    # a seller may declare its own return (the schema: 退货申请单数据报文（电商企业）), agentCode its own
    "ebc": frozenset({"CEB303", "CEB403", "CEB213"}),
    "ebp": frozenset(),
    # the tally's operatorCode is the postal logistics company for postal transport (§2.19.4)
    "logistics": frozenset({"CEB505", "CEB509", "CEB215"}),
    "operator": frozenset({"CEB507", "CEB215"}),
}

_CODE = re.compile(r"^(?:[0-9A-Z]{10}|[0-9A-Z]{18})$")
_DXP = re.compile(r"^[A-Z0-9]{4,32}$")


class Enterprise(BaseModel):
    code: str = Field(description="10-character customs registration code or 18-character USCC")
    name: str = Field(min_length=1, max_length=200)
    dxpId: str = Field(description="the DXP id its messages come from and its receipts go to")
    roles: list[Role] = Field(min_length=1)
    certificate: str | None = Field(
        default=None, description="PEM X.509 certificate (SM2 or RSA key) the enterprise signs declared messages with")

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not _CODE.match(v):
            raise ValueError("code must be 10 or 18 upper-case letters/digits")
        return v

    @field_validator("dxpId")
    @classmethod
    def _dxp(cls, v: str) -> str:
        if not _DXP.match(v):
            raise ValueError("dxpId must be 4-32 upper-case letters/digits, e.g. DXPENT0000000001")
        return v

    @field_validator("roles")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        return sorted(set(v))

    @field_validator("certificate")
    @classmethod
    def _certificate(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        try:
            certificate = load_certificate(v.strip())
        except ValueError as exc:
            raise ValueError(f"certificate must be one PEM X.509 certificate: {exc}") from None
        if key_type(certificate) is None:
            raise ValueError("certificate must hold an SM2 or RSA public key (SM2-SM3 or RSA signatures)")
        return v.strip() + "\n"

    @computed_field(  # type: ignore[prop-decorator]  # pydantic's computed_field, as its docs write it
        description="the certificate's number (serial, lower-case hex): KeyName of signatures")
    @property
    def certificateNumber(self) -> str | None:
        return certificate_number(load_certificate(self.certificate)) if self.certificate else None

    def may_send(self, message_type: str) -> bool:
        return any(message_type in MESSAGES_BY_ROLE[r] for r in self.roles)
