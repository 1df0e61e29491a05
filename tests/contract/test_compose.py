"""docker-compose.yml as a user relies on it, and in step with deploy/stack.sh.

No Docker engine is needed: the file is parsed, not run.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
STACK = ROOT / "deploy" / "stack.sh"
APPS = ("gateway", "management", "notification")
HTTP_PORTS = {"gateway": 8080, "management": 8081, "notification": 8082}
# The variables deploy/stack.sh hands to the services.
STACK_VAR = re.compile(r"\b(KAFKA_BOOTSTRAP_SERVERS|[A-Z]+_DATABASE_URL|[A-Z]+_HTTP_PORT)\b")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def stack_vars() -> set[str]:
    return set(STACK_VAR.findall(STACK.read_text()))


CLUSTER_ENV = ROOT / "deploy" / "compose-cluster.env"
DEFAULTED = re.compile(r"\$\{([A-Z_]+):-([^}]*)\}")


def env_of(service: dict, variables: dict[str, str] | None = None) -> dict[str, str]:
    """The service's environment as compose interpolates it (``${X:-default}`` from ``variables``)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    if variables is None:
        return {str(k): str(v) for k, v in env.items()}
    return {str(k): DEFAULTED.sub(lambda m: variables.get(m.group(1), m.group(2)), str(v)) for k, v in env.items()}


def cluster_variables() -> dict[str, str]:
    return dict(line.split("=", 1) for line in CLUSTER_ENV.read_text().splitlines()
                if line.strip() and not line.startswith("#"))


KAFKA_NODES = ("kafka", "kafka-2", "kafka-3")


def published_ports(service: dict) -> set[int]:
    ports = set()
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            ports.add(int(entry["published"]))
        else:
            parts = str(entry).split("/")[0].split(":")
            if len(parts) >= 2:  # [ip:]host:container
                host = parts[-2]
                if host.isdigit():
                    ports.add(int(host))
    return ports


def test_the_five_services_exist(services):
    assert {"kafka", "postgres", *APPS} <= set(services)


def test_app_services_share_one_build(services):
    builds = [services[svc].get("build") for svc in APPS]
    assert builds[0] is not None
    assert all(b == builds[0] for b in builds)
    build = builds[0]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).is_file()
    images = {services[svc].get("image") for svc in APPS}
    assert len(images) == 1


@pytest.mark.parametrize("svc", APPS)
def test_app_service_runs_its_module(services, svc):
    command = services[svc]["command"]
    command = command if isinstance(command, str) else " ".join(command)
    assert re.search(rf"-m services\.{svc}\b", command)


@pytest.mark.parametrize("svc", ["kafka", "postgres", *APPS])
def test_every_service_has_a_healthcheck(services, svc):
    check = services[svc].get("healthcheck")
    assert check and check.get("test") and not check.get("disable")


@pytest.mark.parametrize("svc", APPS)
def test_app_health_is_its_own_health_endpoint(services, svc):
    test = services[svc]["healthcheck"]["test"]
    test = test if isinstance(test, str) else " ".join(test)
    assert f":{HTTP_PORTS[svc]}/health" in test


@pytest.mark.parametrize("svc", APPS)
def test_apps_wait_for_healthy_kafka_and_postgres(services, svc):
    depends = services[svc].get("depends_on")
    assert isinstance(depends, dict), "depends_on must be the long form, with conditions"
    for dep in ("kafka", "postgres"):
        assert depends[dep]["condition"] == "service_healthy"


def test_ports_are_published(services):
    for svc, port in HTTP_PORTS.items():
        assert port in published_ports(services[svc]), svc
    assert 9092 in published_ports(services["kafka"])


def test_stack_sh_exports_the_expected_names(stack_vars):
    expected = {"KAFKA_BOOTSTRAP_SERVERS"}
    for svc in APPS:
        expected |= {f"{svc.upper()}_DATABASE_URL", f"{svc.upper()}_HTTP_PORT"}
    assert expected <= stack_vars


@pytest.mark.parametrize("svc", APPS)
def test_app_env_names_match_stack_sh(services, stack_vars, svc):
    env = env_of(services[svc])
    up = svc.upper()
    for name in ("KAFKA_BOOTSTRAP_SERVERS", f"{up}_DATABASE_URL", f"{up}_HTTP_PORT"):
        assert name in env, f"{svc}: {name} missing"
        assert name in stack_vars, f"{name} is not set by deploy/stack.sh"
    # Nothing of the same kind that stack.sh does not know about.
    assert {n for n in env if STACK_VAR.fullmatch(n)} <= stack_vars
    assert env[f"{up}_HTTP_PORT"] == str(HTTP_PORTS[svc])
    assert env[f"{up}_DATABASE_URL"].startswith("postgresql://")
    assert f"cbec_{svc}" in env[f"{up}_DATABASE_URL"]
    assert env[f"{up}_DATABASE_URL"].rstrip("/").endswith("/cbec")


@pytest.mark.parametrize("variables", [{}, "cluster"], ids=["one node", "cluster profile"])
def test_apps_reach_kafka_on_a_listener_it_advertises(services, variables):
    variables = cluster_variables() if variables == "cluster" else variables
    nodes = KAFKA_NODES if variables else ("kafka",)
    advertised_hosts = set()
    for node in nodes:
        advertised = env_of(services[node], variables)["KAFKA_ADVERTISED_LISTENERS"]
        advertised_hosts |= {re.sub(r"^[A-Z_]+://", "", entry) for entry in advertised.split(",")}
    for svc in APPS:
        bootstrap = env_of(services[svc], variables)["KAFKA_BOOTSTRAP_SERVERS"].split(",")
        assert set(bootstrap) <= advertised_hosts, f"{svc}: {bootstrap} not in {advertised_hosts}"
        assert len(bootstrap) == len(nodes)


def test_cluster_profile_is_three_kraft_nodes_replicating_three_ways(services):
    variables = cluster_variables()
    assert variables["COMPOSE_PROFILES"] == "cluster"
    assert "profiles" not in services["kafka"]
    for node in KAFKA_NODES[1:]:
        assert services[node]["profiles"] == ["cluster"]
    envs = [env_of(services[n], variables) for n in KAFKA_NODES]
    assert [e["KAFKA_NODE_ID"] for e in envs] == ["1", "2", "3"]
    voters = envs[0]["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")
    assert voters == [f"{i}@{n}:9093" for i, n in enumerate(KAFKA_NODES, start=1)]
    for env in envs:
        assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == envs[0]["KAFKA_CONTROLLER_QUORUM_VOTERS"]
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == "2"
        assert env["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"] == "false"
    published = [published_ports(services[n]) for n in KAFKA_NODES]
    assert published == [{9092}, {9094}, {9096}]  # as kafka.sh --nodes 3 lays them out natively


def test_kafka_is_4_1_in_kraft_mode(services):
    kafka = services["kafka"]
    assert re.fullmatch(r"apache/kafka(-native)?:4\.1\.\d+", kafka["image"])
    env = env_of(kafka, {})
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"]
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert not any(name.startswith("KAFKA_ZOOKEEPER") for name in env)
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"  # one node unless the cluster profile
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"


def test_postgres_mounts_the_shared_init_sql(services):
    pg = services["postgres"]
    assert re.fullmatch(r"postgres:15(\.\d+)?", pg["image"])
    mounts = [v if isinstance(v, str) else f"{v['source']}:{v['target']}" for v in pg.get("volumes") or []]
    init = [m for m in mounts if m.split(":")[0] in ("./deploy/postgres/init.sql", "deploy/postgres/init.sql")]
    assert init, mounts
    assert init[0].split(":")[1].startswith("/docker-entrypoint-initdb.d/")
    assert (ROOT / "deploy" / "postgres" / "init.sql").is_file()
    assert env_of(pg)["POSTGRES_DB"] == "cbec"


def test_init_sql_creates_every_role_and_schema():
    sql = (ROOT / "deploy" / "postgres" / "init.sql").read_text()
    for svc in APPS:
        assert f"cbec_{svc}" in sql
        assert re.search(rf"CREATE SCHEMA IF NOT EXISTS {svc} AUTHORIZATION cbec_{svc}", sql)


def test_no_literal_passwords(services):
    for svc, spec in services.items():
        for name, value in env_of(spec).items():
            if "PASSWORD" in name:
                assert value.startswith("${"), f"{svc}.{name} should come from the environment"
        for name, value in env_of(spec).items():
            if name.endswith("_DATABASE_URL"):
                userinfo = value.split("://", 1)[1].split("@", 1)[0]
                if ":" in userinfo:
                    assert userinfo.split(":", 1)[1].startswith("${"), f"{svc}.{name}"


def test_the_console_fronts_the_services_by_their_compose_names(services, stack_vars):
    console = services["console"]
    command = console["command"] if isinstance(console["command"], str) else " ".join(console["command"])
    assert re.search(r"-m services\.console\b", command)
    assert console.get("build") == services["gateway"].get("build")
    assert 8084 in published_ports(console)
    assert ":8084/health" in " ".join(console["healthcheck"]["test"])
    env = env_of(console)
    assert env["CONSOLE_HTTP_PORT"] == "8084" and "CONSOLE_HTTP_PORT" in stack_vars
    for svc, port in {**HTTP_PORTS, "monitor": 8083}.items():
        url = env[f"CBEC_{svc.upper()}_URL"]
        assert url == f"http://{svc}:{port}", url
        assert svc in services and port in published_ports(services[svc])
    for svc in APPS:
        assert console["depends_on"][svc]["condition"] == "service_healthy"
