"""Creating topics before anyone produces to them, replicated as the cluster allows.

The replication factor is the one given (``CBEC_TOPIC_REPLICATION``), else derived from the
cluster's size at start: 3 on three brokers or more, else the number of brokers. A topic with 3
replicas gets ``min.insync.replicas=2`` (the producers write with acks=all), so losing one broker
loses nothing and stops nothing."""
from __future__ import annotations

import asyncio
from collections.abc import Mapping

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError


class TopicAdmin:
    def __init__(self, bootstrap_servers: str, partitions: int = 6, replication: int | None = None,
                 auth: Mapping[str, str] | None = None) -> None:
        self._bootstrap = bootstrap_servers
        self._auth = dict(auth or {})
        self._partitions = partitions
        self._replication = replication
        self._client: AIOKafkaAdminClient | None = None
        self._known: set[str] = set()
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        self._client = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, **self._auth)
        await self._client.start()
        self._known = set(await self._client.list_topics())
        if self._replication is None:
            cluster = await self._client.describe_cluster()
            self._replication = replication_for(len(cluster["brokers"]))

    @property
    def replication(self) -> int:
        return self._replication or 1

    @property
    def client(self) -> AIOKafkaAdminClient:
        """The started admin client (its connections are authenticated as the service)."""
        assert self._client is not None, "TopicAdmin.start() first"
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()

    async def ensure(self, topics: dict[str, dict[str, str]]) -> None:
        """Create the topics that do not exist yet (concurrent creators are fine)."""
        missing = {t: cfg for t, cfg in topics.items() if t not in self._known}
        if not missing:
            return
        async with self._lock:
            assert self._client is not None
            self._known = set(await self._client.list_topics())
            new = [
                NewTopic(name=t, num_partitions=self._partitions, replication_factor=self.replication,
                         topic_configs={**durability(self.replication), **cfg})
                for t, cfg in missing.items()
                if t not in self._known
            ]
            if new:
                try:
                    await self._client.create_topics(new)
                except TopicAlreadyExistsError:
                    pass  # another instance created it first
            await self._wait_visible(list(missing))
            self._known.update(missing)

    async def _wait_visible(self, topics: list[str]) -> None:
        assert self._client is not None
        for _ in range(100):
            if set(topics) <= set(await self._client.list_topics()):
                return
            await asyncio.sleep(0.1)


def replication_for(brokers: int) -> int:
    """The replication factor of the project's topics on a cluster of ``brokers``."""
    return max(1, min(3, brokers))


def durability(replication: int) -> dict[str, str]:
    """Topic settings that make an acks=all write survive the loss of one broker."""
    return {"min.insync.replicas": str(max(1, min(2, replication - 1)))}
