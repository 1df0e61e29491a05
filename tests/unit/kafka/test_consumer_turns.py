"""Turns where the consumer reads (shared/kafka/consumer.py, ``BatchConsumer.flow``): of a limited
partition a batch takes at most its limit and nothing of one limited to 0, what is not taken is
read later from where it stopped, and a heavy partition's whole turn is applied beside the loop
(the partition not read meanwhile) while the light ones are read and applied."""
from __future__ import annotations

from types import SimpleNamespace

from aiokafka import TopicPartition

from shared.kafka.consumer import BatchConsumer

FLOOD, LIST, OTHER = TopicPartition("in.flood", 0), TopicPartition("in.list", 0), TopicPartition("in", 0)


class FakeKafka:
    """What aiokafka has fetched, per partition, taken from the front as ``getmany`` asks."""

    def __init__(self, waiting: dict[TopicPartition, int]) -> None:
        self.waiting = {tp: [SimpleNamespace(topic=tp.topic, partition=tp.partition, offset=i) for i in range(n)]
                        for tp, n in waiting.items()}

    def assignment(self):
        return set(self.waiting)

    async def getmany(self, *partitions, timeout_ms=0, max_records=None):
        out = {}
        for tp in partitions or self.waiting:
            take = self.waiting[tp][:max_records - sum(map(len, out.values()))]
            if take:
                out[tp] = take
                self.waiting[tp] = self.waiting[tp][len(take):]
        return out


def consumer(limits: dict[TopicPartition, int]) -> BatchConsumer:
    c = BatchConsumer("c", [], bootstrap_servers="", group_id="g", pool=None, handler=None, decode=None, dead_letter=None,
                      max_records=50)

    async def flow(assigned):
        return limits

    c.flow = flow
    return c


async def test_a_limited_partition_gives_a_batch_its_turn_and_the_rest_stays_for_later():
    kafka = FakeKafka({FLOOD: 300, LIST: 1, OTHER: 80})
    c = consumer({FLOOD: 20, LIST: 20})
    batch = await c._fetch(kafka)
    assert {tp: len(r) for tp, r in batch.items()} == {FLOOD: 20, LIST: 1, OTHER: 29}  # 50 in all
    assert [r.offset for r in (await c._fetch(kafka))[FLOOD]] == list(range(20, 40))  # on from where it stopped


async def test_a_partition_without_a_turn_gives_nothing_for_now():
    kafka = FakeKafka({FLOOD: 300, LIST: 1})
    batch = await consumer({FLOOD: 0, LIST: 20})._fetch(kafka)
    assert {tp: len(r) for tp, r in batch.items()} == {LIST: 1}
    assert len(kafka.waiting[FLOOD]) == 300


async def test_a_heavy_partitions_whole_turn_is_set_beside_the_light_ones_and_not_read_while_busy():
    kafka = FakeKafka({FLOOD: 300, LIST: 2})
    c = consumer({FLOOD: 20, LIST: 20})
    light, heavy = c._split(await c._fetch(kafka))
    assert (set(light), set(heavy)) == ({LIST}, {FLOOD})
    kafka.waiting[LIST].append(SimpleNamespace(topic="in.list", partition=0, offset=2))
    busy = await c._fetch(kafka, busy={FLOOD})  # its turn is being applied: nothing more of it
    assert {tp: len(r) for tp, r in busy.items()} == {LIST: 1}
    kafka = FakeKafka({FLOOD: 5, LIST: 2})  # no whole turn: nothing heavy
    assert c._split(await c._fetch(kafka))[1] == {}
