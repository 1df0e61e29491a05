"""Readiness that tells the truth: a consumer that keeps up is ready however long it idles; one
with records waiting and no progress, or lagging past the threshold, is not; nor is a stuck relay."""
from __future__ import annotations

import time
from types import SimpleNamespace

from aiokafka import TopicPartition

from shared.kafka.instrumentation import progress_of
from shared.pipes import Pipes, Thresholds


class FakeKafka:
    """An aiokafka consumer's assignment as shared.pipes reads it."""

    def __init__(self, parts: dict[int, tuple[int, int]]) -> None:
        self.states = {TopicPartition("t", p): SimpleNamespace(position=pos, has_valid_position=True, lso=end,
                                                               highwater=end + 1) for p, (pos, end) in parts.items()}
        self._subscription = SimpleNamespace(subscription=SimpleNamespace(
            assignment=SimpleNamespace(state_value=self.states.__getitem__)))

    def assignment(self):
        return set(self.states)


class Consumer:
    def __init__(self, parts, idle_s: float = 0.0) -> None:
        self.name, self.kafka, self.processed, self.dead_lettered = "c1", FakeKafka(parts), 0, 0
        progress_of(self).last_progress = time.monotonic() - idle_s


def relay(since_s: float = 0.0, holder: bool = True):
    return SimpleNamespace(holder=holder, last_progress=time.monotonic() - since_s, published=3, parked=0)


T = Thresholds(stuck_s=5, max_lag=100, outbox_age_s=10)


async def state(consumers, r=None) -> dict:
    return await Pipes("svc", consumers, r or relay(), None, T).snapshot()


async def test_lag_is_the_last_stable_offset_minus_the_position_per_partition():
    s = await state([Consumer({0: (10, 10), 1: (5, 9)})])
    c = s["consumers"][0]
    assert [(p["partition"], p["lag"]) for p in c["partitions"]] == [(0, 0), (1, 4)]
    assert c["lag"] == 4 and s["ready"]


async def test_a_consumer_idle_with_nothing_waiting_is_ready():
    assert (await state([Consumer({0: (10, 10)}, idle_s=600)]))["ready"]


async def test_records_waiting_and_no_progress_past_the_threshold_is_stuck():
    s = await state([Consumer({0: (5, 9)}, idle_s=6)])
    assert not s["ready"] and s["consumers"][0]["stuck"]
    assert "consumer c1 is stuck" in s["problems"][0]


async def test_one_batch_running_past_the_threshold_is_stuck_even_with_no_lag():
    c = Consumer({0: (9, 9)})
    progress_of(c).batch_started_at = time.monotonic() - 6
    assert (await state([c]))["consumers"][0]["stuck"]


async def test_lag_past_the_threshold_is_unready_while_it_moves():
    s = await state([Consumer({0: (0, 101)})])
    assert not s["ready"] and s["consumers"][0]["lagging"] and not s["consumers"][0]["stuck"]


async def test_a_relay_that_makes_no_round_is_stuck_a_standby_is_not():
    assert not (await state([], relay(since_s=6)))["ready"]
    assert (await state([], relay(since_s=1, holder=False)))["ready"]


async def test_the_samples_carry_lag_per_partition_and_readiness():
    pipes = Pipes("svc", [Consumer({0: (5, 9)})], relay(), None, T)
    await pipes.snapshot()
    samples = pipes.samples()
    assert ("cbec_consumer_lag", {"consumer": "c1", "topic": "t", "partition": "0"}, 4) in samples
    assert ("cbec_ready", {}, 1.0) in samples
