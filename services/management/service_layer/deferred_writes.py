"""What management's handlers write through the unit of work's buffer (``shared.db.unit_of_work``)
rather than at once: one statement per kind for a whole consumer batch, or for a wave of it, instead
of one round trip per list.

The kinds are written in this order: the lists (the changed ones, then the new ones — a list
rejected frees its copNo before the new list that takes it), the new trade documents, the review
applications and the history rows (which refer to the lists). Everything but the history is read
again by later documents of a batch, so it is written before they read (``UnitOfWork.flush``,
``UnitOfWork.savepoint``); the history is read by nobody while a batch is applied and waits for the
commit.
"""
from __future__ import annotations

import asyncpg

from shared.db.unit_of_work import DeferredWrite, UnitOfWork

from ..adapters import applications
from ..adapters import lists as repo
from ..adapters import trade_documents as documents

ListWrite = tuple[repo.StoredList, bool]  # the list, and whether it is new (inserted) or changed (updated)


async def _write_lists(conn: asyncpg.Connection, rows: list[ListWrite]) -> None:
    await repo.set_status_many(conn, [stored for stored, new in rows if not new])
    await repo.insert_many(conn, [stored for stored, new in rows if new])


async def _submit_reviews(conn: asyncpg.Connection, rows: list[dict]) -> None:
    for review in rows:
        await applications.submit(conn, **review)


LISTS: DeferredWrite[ListWrite] = DeferredWrite("lists", _write_lists)
ORDERS: DeferredWrite[tuple[dict, list, str]] = DeferredWrite("orders", documents.insert_orders)
WAYBILLS: DeferredWrite[tuple[dict, str]] = DeferredWrite("waybills", documents.insert_waybills)
PAYMENTS: DeferredWrite[tuple[dict, str]] = DeferredWrite("payment receipts", documents.insert_payments)
REVIEWS: DeferredWrite[dict] = DeferredWrite("review applications", _submit_reviews)
HISTORY: DeferredWrite[repo.HistoryRow] = DeferredWrite("list history", repo.add_history_many, read_back=False)


def list_created(uow: UnitOfWork, stored: repo.StoredList) -> None:
    """A new list, inserted with the state it has reached when the buffer is written."""
    uow.defer(LISTS, (stored, True), key=stored.id)


def list_changed(uow: UnitOfWork, stored: repo.StoredList) -> None:
    """A list's status or waiting_for changed (in memory): written once, with its latest state (a new
    list not yet written is inserted with it)."""
    uow.defer(LISTS, (stored, False), key=stored.id)
