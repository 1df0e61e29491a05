"""Where the tests find Kafka and PostgreSQL.

``KAFKA_BOOTSTRAP_SERVERS`` / ``DATABASE_URL`` when set (CI and ``make test`` set them); otherwise
throwaway containers when a Docker engine answers a ping; otherwise a clear failure.
"""
from __future__ import annotations

import os
from contextlib import ExitStack

NO_INFRA = (
    "{what} is needed: set {var} (e.g. run the tests with `make test`, which starts Kafka and "
    "PostgreSQL natively), or run a Docker engine so testcontainers can start one."
)


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def kafka_bootstrap(stack: ExitStack) -> str:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer

        container = stack.enter_context(KafkaContainer("apache/kafka:4.1.1").with_kraft())
        return container.get_bootstrap_server()
    raise RuntimeError(NO_INFRA.format(what="A Kafka broker", var="KAFKA_BOOTSTRAP_SERVERS"))


def database_url(stack: ExitStack) -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if _docker_answers():
        from testcontainers.postgres import PostgresContainer

        container = stack.enter_context(PostgresContainer("postgres:15", driver=None))
        return container.get_connection_url()
    raise RuntimeError(NO_INFRA.format(what="PostgreSQL", var="DATABASE_URL"))
