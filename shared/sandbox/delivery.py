"""The sandbox on the way to the enterprise: lost, doubled, reordered and delayed receipts.

Notification hands each receipt's outgoing message to :meth:`DeliveryRoute.send` instead of
emitting it, then calls :meth:`DeliveryRoute.flush` once per batch. A receipt the sandbox scripts
nothing for is emitted at once, as without the sandbox.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import asyncpg

from shared import clock
from shared.db.outbox import OutgoingMessage
from shared.ids import time_ordered_uuid
from shared.kafka import headers as H

from . import store
from .outcomes import Outcome

log = logging.getLogger(__name__)

REORDER_AT_MOST_S = 60.0  # a reordered receipt whose document has no next receipt goes after this (sandbox clock)


class DeliveryRoute:
    def __init__(self, service: str, emit: Callable[[OutgoingMessage], None]) -> None:
        self.service = service
        self._emit = emit
        self._sent: list[tuple[str, bytes | None]] = []  # (topic, key) of everything emitted, in order
        self._held: list[tuple[Outcome, OutgoingMessage, int]] = []  # (outcome, message, len(_sent) then)

    def send(self, directive: str | None, message: OutgoingMessage) -> None:
        if not directive:
            self._emit(message)
            self._sent.append((message.topic, message.key))
            return
        outcome = Outcome.of_delivery(directive)
        what = f"receipt {dict(message.headers).get(H.RECEIPT_ID, '')} to {message.topic}"
        if outcome.kind == "no_receipt":
            log.info("sandbox: %s not delivered (no_receipt)", what)
        elif outcome.kind == "duplicate":
            self._emit(message)
            self._emit(dataclasses.replace(message, message_id=time_ordered_uuid()))
            self._sent.append((message.topic, message.key))
            log.info("sandbox: %s delivered twice (duplicate)", what)
        else:  # delay, reorder: held back
            self._held.append((outcome, message, len(self._sent)))
            log.info("sandbox: %s held back (%s)", what, outcome.kind)

    async def flush(self, conn: asyncpg.Connection) -> None:
        """Emit the reordered receipts whose next receipt went out after them in this batch; hold
        the rest (in the sandbox's table, released by the next receipt of their key or when due)."""
        if not self._held and not self._sent:
            return
        keep: list[tuple[str, OutgoingMessage, datetime, bool]] = []
        now = clock.now()
        for outcome, message, position in self._held:
            reorder = outcome.kind == "reorder"
            if reorder and (message.topic, message.key) in self._sent[position:]:
                self._emit(message)
            else:
                wait = REORDER_AT_MOST_S if reorder else outcome.delay_s
                keep.append((outcome.kind, message, now + timedelta(seconds=wait), reorder))
        waiting = {(m.topic, m.key) for _, m, _, _ in keep}
        for message in await store.release_after(conn, self.service, set(self._sent) - waiting):
            self._emit(message)
        await store.hold(conn, self.service, keep)
        self._held.clear()
        self._sent.clear()


class _Direct:
    """Without the sandbox: every receipt is emitted at once."""

    def __init__(self, emit: Callable[[OutgoingMessage], None]) -> None:
        self.send = lambda directive, message: emit(message)

    async def flush(self, conn: asyncpg.Connection) -> None:
        return None


def delivery_route(service: str, emit: Callable[[OutgoingMessage], None]) -> DeliveryRoute | _Direct:
    """The route of one consumer batch's receipts (``emit``: the batch's)."""
    from . import active

    return DeliveryRoute(service, emit) if active() else _Direct(emit)
