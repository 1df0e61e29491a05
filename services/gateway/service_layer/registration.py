"""Registering an enterprise (an admin's act): stored in the registry, recorded with its actor and
announced on ``cbec.enterprises``.

A DXP id and an enterprise code are each held by one enterprise: an existing DXP id is never
registered under another code (the admin first moves its holder elsewhere), and an existing code is
moved to another DXP id only when the admin asks for it (``transfer=True``), recorded as such.
"""
from __future__ import annotations

from shared.contracts import EnterpriseRegistered
from shared.db.outbox import OutgoingMessage
from shared.db.unit_of_work import UnitsOfWork
from shared.kafka import topics

from ..adapters import registry
from ..domain.enterprise import Enterprise
from ..settings import GatewaySettings


class RegistrationRefused(Exception):
    pass


class DxpIdTaken(RegistrationRefused):
    pass


class CodeHeldByAnotherDxpId(RegistrationRefused):
    pass


async def register(units: UnitsOfWork, settings: GatewaySettings, enterprise: Enterprise, *, actor: str = "admin",
                   transfer: bool = False) -> bool:
    """Register or update; True when the enterprise is new. Raises :class:`RegistrationRefused`."""
    async with units() as uow:
        conn = uow.conn
        # one registration at a time: two concurrent takeovers cannot both pass the checks
        await registry.lock(conn)
        holder = await registry.by_dxp_id(conn, enterprise.dxpId)
        current = await registry.get(conn, enterprise.code)
        change = "registered" if current is None else "updated"
        if holder is not None and holder.code != enterprise.code:
            raise DxpIdTaken(f"DXP id {enterprise.dxpId} already belongs to enterprise {holder.code}; "
                             f"move {holder.code} to another DXP id first (transfer=true)")
        if current is not None and current.dxpId != enterprise.dxpId:
            if not transfer:
                raise CodeHeldByAnotherDxpId(
                    f"enterprise {enterprise.code} is registered with DXP id {current.dxpId}; "
                    "an admin moves it to another DXP id with transfer=true")
            change = f"moved from DXP id {current.dxpId}"
        created = await registry.upsert(conn, enterprise)
        await registry.record_change(conn, enterprise.code, enterprise.dxpId, change, actor)
        event = EnterpriseRegistered(code=enterprise.code, name=enterprise.name, dxp_id=enterprise.dxpId,
                                     roles=list(enterprise.roles))
        uow.emit(OutgoingMessage.of(settings.topic(topics.ENTERPRISES), enterprise.code, event))
    return created
