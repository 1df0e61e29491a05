"""Per-sender fairness: what a sender sends beyond its quota waits in the gateway, is taken in turn
in the order it came, and never holds up another sender."""
from __future__ import annotations

import pytest

from services.cli.journey import Journey
from services.gateway.domain.sender_quota import SenderQuota
from services.gateway.service_layer.fair_intake import FairIntake
from services.gateway.service_layer.intake import Intake

from .conftest import GatewayRig, record, settings_for

pytestmark = pytest.mark.integration

AGENT, EBC = "DXPENT0000000001", "DXPENT0000000002"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_flooding_sender_waits_its_turn_and_the_others_do_not(gateway_pool):
    clock = Clock()
    intake = Intake(settings_for(gateway_pool.schema, gateway_pool.database_url), SenderQuota(10, 5, clock))
    rig = GatewayRig(gateway_pool.pool, intake)
    flood = [Journey() for _ in range(12)]
    other = Journey()
    out = await rig.feed(*[record(EBC, j.order_message()) for j in flood], record(AGENT, other.list_message()))
    # five orders within the burst went on, the seven others wait; the agent's list did not wait
    assert len([d for d in out.declarations if d.sender_dxp_id == EBC]) == 5
    assert [d.sender_dxp_id for d in out.declarations].count(AGENT) == 1
    async with gateway_pool.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM deferred_intake WHERE sender = $1", EBC) == 7
    # a later order of the flooding sender queues behind its earlier ones, whatever its tokens
    clock.now += 10
    late = Journey()
    out = await rig.feed(record(EBC, late.order_message()))
    assert out.declarations == []

    fair = FairIntake(gateway_pool.pool, intake, lambda: None)
    assert await fair.take_once() == 5  # the bucket holds 5 at most
    assert await fair.take_once() == 0  # no token left
    clock.now += 0.3
    assert await fair.take_once() == 3
    async with gateway_pool.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM deferred_intake") == 0
        keys = [r["key"].decode() for r in await conn.fetch(
            "SELECT key FROM outbox WHERE topic LIKE '%cbec.declarations' ORDER BY id")]
    assert keys == [j.order_no for j in flood[5:]] + [late.order_no]  # in the order they were sent
