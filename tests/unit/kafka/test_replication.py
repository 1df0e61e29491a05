"""How replicated the services make their topics: as the cluster allows, or as configured."""
from __future__ import annotations

from services.gateway.settings import GatewaySettings
from shared.kafka.admin import durability, replication_for


def test_replication_follows_the_cluster_size_up_to_three():
    assert [replication_for(n) for n in (0, 1, 2, 3, 5)] == [1, 1, 2, 3, 3]


def test_three_replicas_need_two_in_sync_so_one_broker_may_die():
    assert durability(3) == {"min.insync.replicas": "2"}
    assert durability(2) == {"min.insync.replicas": "1"}
    assert durability(1) == {"min.insync.replicas": "1"}


def test_replication_comes_from_the_environment_or_the_cluster():
    env = {"DATABASE_URL": "postgresql://x@h/cbec"}
    assert GatewaySettings.from_env(env).topic_replication is None
    assert GatewaySettings.from_env({**env, "CBEC_TOPIC_REPLICATION": "3"}).topic_replication == 3
