"""The unit of work every write path uses (shared/db/unit_of_work.py), on a fake connection that
records what reaches the database: deferred rows written one call per kind at commit, in the kinds'
order, before the outbox; nothing written or woken when the work fails; a savepoint that undoes
only its own part."""
from __future__ import annotations

import pytest

from shared.db.outbox import OutgoingMessage
from shared.db.unit_of_work import DeferredWrite, UnitOfWork, units_of_work


class FakeTransaction:
    def __init__(self, conn: FakeConnection) -> None:
        self.conn = conn

    async def start(self) -> None:
        self.conn.log.append("begin")
        self.conn.depth += 1

    async def commit(self) -> None:
        self.conn.depth -= 1
        self.conn.log.append("commit")

    async def rollback(self) -> None:
        self.conn.depth -= 1
        self.conn.log.append("rollback")

    async def __aenter__(self) -> FakeTransaction:
        self.conn.log.append("savepoint")
        self.conn.depth += 1
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        self.conn.depth -= 1
        self.conn.log.append("release" if exc_type is None else "rollback to savepoint")


class FakeConnection:
    def __init__(self) -> None:
        self.log: list[object] = []
        self.depth = 0

    def transaction(self) -> FakeTransaction:
        return FakeTransaction(self)

    async def execute(self, sql: str, *args: object) -> str:
        if "INSERT INTO outbox" in sql:
            self.log.append(("outbox", list(args[0])))
        return "OK"


class FakePool:
    def __init__(self) -> None:
        self.conn = FakeConnection()
        self.out = 0

    async def acquire(self) -> FakeConnection:
        self.out += 1
        return self.conn

    async def release(self, conn: FakeConnection) -> None:
        self.out -= 1


def kind(name: str, read_back: bool = True) -> DeferredWrite[str]:
    async def write(conn: FakeConnection, rows: list[str]) -> None:
        conn.log.append((name, list(rows)))
    return DeferredWrite(name, write, read_back=read_back)


def message(n: int) -> OutgoingMessage:
    return OutgoingMessage.of("cbec.receipts", f"key-{n}", b"{}")


async def test_commit_writes_each_kind_once_in_declared_order_then_the_outbox_then_wakes_the_relay():
    conn = FakeConnection()
    lists, history = kind("lists"), kind("history", read_back=False)
    woken: list[int] = []
    pool = FakePool()
    pool.conn = conn
    async with units_of_work(pool, lambda: woken.append(len(conn.log)))() as uow:
        uow.defer(history, "h1")
        uow.defer(lists, "list 1 rejected", key=1)
        uow.defer(lists, "list 1 again", key=1)  # the same list: written once
        uow.defer(lists, "list 2", key=2)
        uow.defer(history, "h2")
        uow.emit(message(1))
        assert conn.log == ["begin"] and woken == []
    ids = conn.log[3][1]
    assert conn.log == ["begin", ("lists", ["list 1 rejected", "list 2"]), ("history", ["h1", "h2"]),
                        ("outbox", ids), "commit"]
    assert len(ids) == 1 and woken == [len(conn.log)]  # woken once, after the commit
    assert pool.out == 0


async def test_a_failure_writes_nothing_emits_nothing_and_wakes_nobody():
    conn = FakeConnection()
    lists = kind("lists")
    woken: list[int] = []
    with pytest.raises(LookupError):
        async with UnitOfWork(conn, wake=lambda: woken.append(1)) as uow:
            uow.defer(lists, "list 1")
            uow.emit(message(1))
            raise LookupError("no such application")
    assert conn.log == ["begin", "rollback"] and woken == []


async def test_nothing_emitted_leaves_the_relay_asleep():
    conn = FakeConnection()
    woken: list[int] = []
    async with UnitOfWork(conn, wake=lambda: woken.append(1)) as uow:
        uow.defer(kind("lists"), "list 1")
    assert conn.log[-1] == "commit" and woken == []


async def test_flush_writes_what_is_read_back_and_keeps_the_rest_for_the_commit():
    conn = FakeConnection()
    lists, history = kind("lists"), kind("history", read_back=False)
    async with UnitOfWork(conn) as uow:
        uow.defer(lists, "list 1", key=1)
        uow.defer(history, "h1")
        await uow.flush()
        assert conn.log == ["begin", ("lists", ["list 1"])]
        uow.defer(lists, "list 1 changed again", key=1)  # written already: a new row
        await uow.flush()
        await uow.flush()  # nothing left: no statement
    assert conn.log == ["begin", ("lists", ["list 1"]), ("lists", ["list 1 changed again"]),
                        ("history", ["h1"]), "commit"]


async def test_a_failed_savepoint_undoes_its_own_rows_and_messages_only():
    conn = FakeConnection()
    lists, history = kind("lists"), kind("history", read_back=False)
    async with UnitOfWork(conn) as uow:
        uow.defer(lists, "before", key=1)
        uow.defer(history, "h before")
        uow.emit(message(1))
        with pytest.raises(ValueError):
            async with uow.savepoint():
                # the part reads the database: what came before it is written first
                assert conn.log[-2:] == [("lists", ["before"]), "savepoint"]
                uow.defer(lists, "inside", key=2)
                uow.defer(history, "h inside")
                uow.emit(message(2))
                raise ValueError("refused by the state machine")
        assert conn.log[-1] == "rollback to savepoint"
        assert [m.key for m in uow.outgoing] == [b"key-1"]
        uow.defer(lists, "after: list 2 again", key=2)  # its key is free again
        async with uow.savepoint():
            uow.defer(history, "h kept")
    writes = [entry for entry in conn.log if isinstance(entry, tuple)]
    assert writes[:3] == [("lists", ["before"]), ("lists", ["after: list 2 again"]), ("history", ["h before", "h kept"])]
    assert writes[3][0] == "outbox" and len(writes[3][1]) == 1
    assert conn.depth == 0


async def test_the_connection_goes_back_to_the_pool_when_the_work_fails():
    pool = FakePool()
    with pytest.raises(RuntimeError):
        async with UnitOfWork(pool=pool) as uow:
            assert uow.conn is pool.conn and pool.out == 1
            raise RuntimeError("database gone")
    assert pool.out == 0
    with pytest.raises(RuntimeError, match="has not begun"):
        _ = UnitOfWork(pool=pool).conn
