"""Split bills whose parts never all arrive: answered with 100 (2601) naming the missing parts."""
from __future__ import annotations

import asyncio
import logging

from shared import clock
from shared import return_codes as codes
from shared.contracts import Recipient
from shared.db.outbox import OutgoingMessage
from shared.db.unit_of_work import UnitsOfWork
from shared.kafka import topics
from shared.kafka.consumer import TRANSIENT
from shared.receipts import receipt_for, receipt_message
from shared.retry import TransientRetry

from ..adapters import bill_parts
from ..domain.bill_assembly import missing
from ..domain.checking import Problem, head_path
from ..settings import GatewaySettings

log = logging.getLogger(__name__)


class PartDeadline:
    def __init__(self, settings: GatewaySettings, units: UnitsOfWork) -> None:
        self.settings = settings
        self.units = units
        self.interval = max(0.5, min(10.0, settings.parts_timeout_s / 4))
        self.expired = 0

    async def run(self, max_failures: int = 20) -> None:
        """Sweep every ``interval``; database outages are retried with a back-off, then fatal."""
        retry = TransientRetry("part deadline", max_failures)
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.sweep()
            except TRANSIENT as exc:
                await retry.back_off(exc)
                continue
            retry.succeeded()

    async def sweep(self) -> int:
        """Answer every overdue group once; return how many."""
        timeout = self.settings.parts_timeout_s
        out: list[OutgoingMessage] = []
        groups = 0
        async with self.units() as uow:
            conn = uow.conn
            for key in await bill_parts.overdue(conn, timeout, clock.now()):
                group = await bill_parts.load(conn, key)
                await bill_parts.remove(conn, key)
                if group is None or not group.parts:
                    continue
                first = group.parts[min(group.parts)]
                absent = missing(group.parts, group.msg_count)
                problem = Problem(codes.PARTS_MISSING, f"{head_path(first, 1)}/msgSeqNo",
                                  f"parts {','.join(map(str, absent))} of {group.msg_count} of copNo {key.cop_no} "
                                  f"did not arrive within {timeout:g} s (received {','.join(map(str, sorted(group.parts)))}); "
                                  "send the whole bill again, with new guids")
                groups += 1
                for n in sorted(group.parts):  # every part received is answered, with its msgSeqNo
                    receipt = receipt_for(key.message_type, group.parts[n].document.head, status="100",
                                          return_info=problem.return_info(),
                                          recipients=[Recipient(dxp_id=key.sender_dxp_id, format=first.format)],
                                          issued_by="gateway", trace_id=group.trace_id)
                    out.append(receipt_message(self.settings.topic(topics.RECEIPTS), receipt, group.trace_id))
            uow.emit_all(out)
        if out:
            self.expired += groups
            log.info("answered %d incomplete split bill(s) after %g s", groups, timeout)
        return groups
