"""The secure profile: docker-compose.secure.yml over docker-compose.yml as compose merges them, in
step with the native deploy/kafka/secure/ (parsed, never run: no Docker engine needed)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from shared.kafka.access import SERVICES, service_principal

ROOT = Path(__file__).resolve().parents[2]
SECURE = ROOT / "deploy" / "kafka" / "secure"
APPS = ("gateway", "management", "notification", "monitor")


def merged(base: dict, over: dict) -> dict:
    """Compose's merge of an override file: mappings merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


@pytest.fixture(scope="module")
def services() -> dict:
    base = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    over = yaml.safe_load((ROOT / "docker-compose.secure.yml").read_text())
    return merged(base, over)["services"]


def native_properties() -> dict[str, str]:
    """The native secure broker's settings: the base template with the secure overlay on top."""
    props: dict[str, str] = {}
    for path in (ROOT / "deploy" / "kafka" / "server.properties", SECURE / "server.properties"):
        for line in path.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                key, value = line.split("=", 1)
                props[key] = value
    return props


def env_of(service: dict) -> dict[str, str]:
    return {str(k): str(v) for k, v in (service.get("environment") or {}).items()}


def as_property(name: str) -> str:
    return name.removeprefix("KAFKA_").replace("___", "-").lower().replace("_", ".")


@pytest.mark.parametrize("props", ["native", "compose"])
def test_the_secure_broker_authenticates_authorizes_and_creates_no_topic(services, props):
    if props == "native":
        p = native_properties()
    else:
        p = {as_property(k): v for k, v in env_of(services["kafka"]).items() if k.startswith("KAFKA_")}
    assert p["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert p["allow.everyone.if.no.acl.found"] == "false"
    assert p["auto.create.topics.enable"] == "false"
    assert set(p["super.users"].split(";")) == {"User:cbec-admin", "User:cbec-controller"}
    protocols = dict(entry.split(":") for entry in p["listener.security.protocol.map"].split(","))
    assert set(protocols.values()) == {"SASL_PLAINTEXT"}, protocols
    listeners = {entry.split("://")[0] for entry in p["listeners"].split(",")}
    assert listeners == set(protocols)
    # the listeners clients reach take SCRAM-SHA-512 only
    client_listeners = [name for name in listeners if name not in ("CONTROLLER", "BROKER")]
    for name in client_listeners:
        mechanisms = p.get(f"listener.name.{name.lower()}.sasl.enabled.mechanisms", p.get("sasl.enabled.mechanisms"))
        assert mechanisms == "SCRAM-SHA-512", name


def test_every_native_secure_placeholder_is_rendered():
    props = (SECURE / "server.properties").read_text()
    profile = (SECURE / "profile.sh").read_text()
    for placeholder in set(re.findall(r"@[A-Z_]+@", props)):
        assert f"s|{placeholder}|" in profile


@pytest.mark.parametrize("svc", APPS)
def test_each_service_connects_as_its_own_principal_after_provisioning(services, svc):
    env = env_of(services[svc])
    assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert env["KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert env["KAFKA_SASL_USERNAME"] == service_principal(svc)
    assert env["KAFKA_SASL_PASSWORD"].startswith(f"${{{svc.upper()}_KAFKA_SASL_PASSWORD:?")
    assert services[svc]["depends_on"]["kafka-access"]["condition"] == "service_completed_successfully"
    assert services[svc]["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_provisioning_sets_every_services_credential(services):
    access = services["kafka-access"]
    assert access["command"] == ["python", "-m", "shared.kafka.access", "services"]
    env = env_of(access)
    assert {f"{svc.upper()}_KAFKA_SASL_PASSWORD" for svc in SERVICES} <= set(env)
    advertised = env_of(services["kafka"])["KAFKA_ADVERTISED_LISTENERS"]
    assert f"://{env['KAFKA_BOOTSTRAP_SERVERS']}" in advertised


def test_no_literal_password_anywhere(services):
    for svc, spec in services.items():
        for name, value in env_of(spec).items():
            if "PASSWORD" in name:
                assert value.startswith("${"), f"{svc}.{name}"
            for literal in re.findall(r'password="([^"]*)"', value) + re.findall(r'user_[\w-]+="([^"]*)"', value):
                assert literal.startswith("${"), f"{svc}.{name}"


def test_secrets_sh_writes_every_password_compose_and_the_stack_need(services):
    out = subprocess.run([str(SECURE / "secrets.sh")], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "GATEWAY_KAFKA_SASL_PASSWORD": "given"}).stdout
    values = dict(line.split("=", 1) for line in out.splitlines())
    needed = set(re.findall(r"\$\{([A-Z_]+):\?", (ROOT / "docker-compose.secure.yml").read_text()))
    assert needed == set(values)
    assert values["GATEWAY_KAFKA_SASL_PASSWORD"] == "given"
    assert all(re.fullmatch(r"[A-Za-z0-9]{20,}", v) for k, v in values.items() if k != "GATEWAY_KAFKA_SASL_PASSWORD")


def test_the_profile_hooks_parse_and_kafka_sh_sources_them():
    subprocess.run(["bash", "-n", str(SECURE / "profile.sh")], check=True)
    kafka_sh = (ROOT / "deploy" / "kafka" / "kafka.sh").read_text()
    assert 'source "$HERE/secure/profile.sh"' in kafka_sh
    for hook in re.findall(r"^(secure_\w+)\(\)", (SECURE / "profile.sh").read_text(), re.M):
        assert hook in kafka_sh, hook
