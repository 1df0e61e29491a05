"""The unit of work: how every write path changes state — a consumer's batch, an officer's action
over HTTP, a timer's sweep.

One ``UnitOfWork`` is one database transaction and what it adds on the way:

- the **outgoing messages** (``emit``), written to the outbox in one statement at commit, in the
  order they were emitted (``shared.db.outbox``);
- the **deferred writes** (``defer``): rows of a :class:`DeferredWrite` kind (a list's status, its
  history, …) buffered and written with one call per kind — one statement for a whole consumer
  batch instead of one per document. A kind the transaction reads again (``read_back``) is written
  before the next read that needs it: :meth:`UnitOfWork.flush` (called by :meth:`savepoint` and by
  whoever reads), every kind at commit;
- the **relay's wake-up** after the commit, when it emitted anything (``wake``: this instance's
  relay; the outbox's ``NOTIFY`` wakes one on another instance). The consumer loop wakes it itself,
  after the Kafka offsets are committed.

It is entered as an async context manager: it commits when the block ends, and rolls back
(nothing written, nothing emitted) when it raises. HTTP and timer paths get theirs from the
service host (``async with host.unit_of_work() as uow``, or a :data:`UnitsOfWork` factory handed to
them); the consumer loop opens one on the connection it holds for a batch
(``shared.kafka.consumer``: ``Batch`` is this class).
"""
from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, TypeVar

import asyncpg
from asyncpg.transaction import Transaction

from shared.db.outbox import OutgoingMessage, add_to_outbox

Row = TypeVar("Row")
_declared = itertools.count()


class DeferredWrite(Generic[Row]):
    """A kind of deferred write: ``write(conn, rows)`` makes all of a unit of work's rows of this kind
    at once (one statement), in the order they were deferred.

    Kinds are written in the order they are declared: declare a kind after the kinds it refers to
    (a list's history after the new lists). ``read_back=False``: nothing reads the rows within the
    transaction, so they wait for the commit whatever is read before (a list's history)."""

    def __init__(self, name: str, write: Callable[[asyncpg.Connection, list[Row]], Awaitable[Any]], *,
                 read_back: bool = True) -> None:
        self.name = name
        self.write = write
        self.read_back = read_back
        self.rank = next(_declared)

    def __repr__(self) -> str:
        return f"DeferredWrite({self.name!r})"


@dataclass
class _Buffered:
    rows: list[Any] = field(default_factory=list)
    keys: list[Hashable | None] = field(default_factory=list)
    seen: set[Hashable] = field(default_factory=set)

    def truncate(self, length: int) -> None:
        for key in self.keys[length:]:
            if key is not None:
                self.seen.discard(key)
        del self.rows[length:], self.keys[length:]


@dataclass(frozen=True)
class _Mark:
    outgoing: int
    buffered: dict[DeferredWrite[Any], int]


class UnitOfWork:
    """One transaction with its outgoing messages and deferred writes (see the module's doc).

    ``UnitOfWork(conn)`` works on a connection the caller holds; ``UnitOfWork(pool=…)`` takes one
    from the pool for its duration. ``wake`` is called after a commit that emitted messages."""

    def __init__(self, conn: asyncpg.Connection | None = None, *, pool: asyncpg.Pool | None = None,
                 wake: Callable[[], None] | None = None) -> None:
        if (conn is None) == (pool is None):
            raise ValueError("a unit of work needs a connection or a pool, not both")
        self._conn = conn
        self._pool = pool
        self._wake = wake
        self._transaction: Transaction | None = None
        self.outgoing: list[OutgoingMessage] = []
        self._buffered: dict[DeferredWrite[Any], _Buffered] = {}

    @property
    def conn(self) -> asyncpg.Connection:
        if self._conn is None:
            raise RuntimeError("the unit of work has not begun (use it with `async with`)")
        return self._conn

    # --- what the work adds ---------------------------------------------------------------------
    def emit(self, message: OutgoingMessage) -> None:
        """Publish this message if (and once) the transaction commits."""
        self.outgoing.append(message)

    def emit_all(self, messages: Iterable[OutgoingMessage]) -> None:
        self.outgoing.extend(messages)

    def defer(self, kind: DeferredWrite[Row], row: Row, *, key: Hashable | None = None) -> None:
        """Buffer a row of ``kind``. With a ``key``, a row already buffered under it stays and this
        one is dropped (rows are objects whose state at the flush is written: a list changed twice
        is written once)."""
        buffered = self._buffered.get(kind)
        if buffered is None:
            buffered = self._buffered[kind] = _Buffered()
        if key is not None:
            if key in buffered.seen:
                return
            buffered.seen.add(key)
        buffered.rows.append(row)
        buffered.keys.append(key)

    async def flush(self) -> None:
        """Write the buffered rows of every kind the transaction reads back (one call per kind, in
        the kinds' order): call before a read that must see them."""
        await self._write(kind for kind in self._buffered if kind.read_back)

    async def _write(self, kinds: Iterable[DeferredWrite[Any]]) -> None:
        for kind in sorted(kinds, key=lambda k: k.rank):
            buffered = self._buffered.pop(kind)
            if buffered.rows:
                await kind.write(self.conn, buffered.rows)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A part of the work that can fail alone: if the block raises, what it changed, emitted and
        deferred is undone, and the rest of the unit of work goes on. The kinds read back are
        written first (the part reads the database; its undoing must not take them with it)."""
        await self.flush()
        mark = _Mark(len(self.outgoing), {kind: len(b.rows) for kind, b in self._buffered.items()})
        try:
            async with self.conn.transaction():
                yield
        except BaseException:
            del self.outgoing[mark.outgoing:]
            for kind, buffered in list(self._buffered.items()):
                buffered.truncate(mark.buffered.get(kind, 0))
            raise

    # --- the transaction ------------------------------------------------------------------------
    async def __aenter__(self) -> UnitOfWork:
        if self._pool is not None:
            self._conn = await self._pool.acquire()
        try:
            self._transaction = self.conn.transaction()
            await self._transaction.start()
        except BaseException:
            await self._release()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        assert self._transaction is not None
        committed = False
        try:
            if exc_type is None:
                try:
                    await self._write(list(self._buffered))
                    await add_to_outbox(self.conn, self.outgoing)
                except BaseException:
                    await self._transaction.rollback()
                    raise
                await self._transaction.commit()
                committed = True
            else:
                await self._transaction.rollback()
        finally:
            self._transaction = None
            await self._release()
        if committed and self.outgoing and self._wake is not None:
            self._wake()

    async def _release(self) -> None:
        if self._pool is not None and self._conn is not None:
            conn, self._conn = self._conn, None
            await self._pool.release(conn)


# what HTTP and timer paths are handed: each call gives a new unit of work (``host.unit_of_work``)
UnitsOfWork = Callable[[], UnitOfWork]


def units_of_work(pool: asyncpg.Pool, wake: Callable[[], None] | None = None) -> UnitsOfWork:
    """Units of work on ``pool`` that wake the relay with ``wake`` after a commit that emitted."""
    return lambda: UnitOfWork(pool=pool, wake=wake)


__all__ = ["DeferredWrite", "UnitOfWork", "UnitsOfWork", "units_of_work"]
