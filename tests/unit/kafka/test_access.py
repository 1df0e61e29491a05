"""Who may do what on the broker in the secure profile, and how the services authenticate."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

from services.gateway.settings import GatewaySettings
from services.management.settings import ManagementSettings
from shared.kafka import access, topics
from shared.kafka.access import ALLOW, CLUSTER, GROUP, LITERAL, PREFIXED, READ, TOPIC, WRITE, Acl


def test_the_salted_password_is_rfc5802_hi():
    # RFC 7677 test vector (SCRAM-SHA-256): the client proof derived from our SaltedPassword matches
    salt = base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ==")
    salted = access.salted_password("pencil", salt, "SCRAM-SHA-256", 4096)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    auth_message = (b"n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                    b"s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")
    signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    assert base64.b64encode(proof) == b"dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="


def test_an_enterprise_may_write_only_its_inbound_and_read_only_its_receipts():
    acls = access.enterprise_acls("DXPENT0000000001", "p.")
    assert {a.principal for a in acls} == {"User:DXPENT0000000001"}
    writes = {a.name for a in acls if a.operation == WRITE}
    reads = {(a.resource_type, a.name, a.pattern) for a in acls if a.operation == READ}
    assert writes == {"p.ceb.inbound.DXPENT0000000001"}
    assert reads == {(TOPIC, "p.ceb.receipts.DXPENT0000000001", LITERAL), (GROUP, "p.DXPENT0000000001", LITERAL),
                     (GROUP, "p.DXPENT0000000001.", PREFIXED)}
    # literal topics only; nothing on the cluster (no topic creation, no ACLs, no configs)
    assert all(a.pattern == LITERAL for a in acls if a.resource_type == TOPIC)
    assert not any(a.resource_type == CLUSTER for a in acls)
    assert all(a.binding()[-1] == ALLOW for a in acls)


def test_no_enterprise_acl_reaches_a_platform_topic_or_group():
    platform = [topics.RECEIPTS, topics.DECLARATIONS, topics.ENTERPRISES, topics.DEAD_LETTERS, topics.INBOUND,
                topics.INBOUND_DLQ, "cbec-gateway-intake"]
    for acl in access.enterprise_acls("DXPENT0000000001"):
        for name in platform:
            covered = name == acl.name if acl.pattern == LITERAL else name.startswith(acl.name)
            assert not covered, (acl, name)


def test_no_enterprise_acl_reaches_a_group_of_an_enterprise_whose_dxp_id_it_prefixes():
    longer = "DXPENT00000000012"
    for acl in access.enterprise_acls("DXPENT0000000001"):
        if acl.resource_type == GROUP:
            for group in (longer, f"{longer}.erp", f"{longer}-erp"):
                assert not (group == acl.name if acl.pattern == LITERAL else group.startswith(acl.name)), (acl, group)


def test_only_the_gateway_may_provision_principals():
    alters = {svc for svc in access.SERVICES for a in access.service_acls(svc) if a.resource_type == CLUSTER
              and a.operation == access.ALTER}
    assert alters == {"gateway"}
    assert Acl(TOPIC, "p.cbec.", PREFIXED, "User:cbec-management", access.ALL) in access.service_acls("management", "p.")


def test_inbound_topics_name_their_sender_and_the_pattern_takes_them_all():
    pattern = re.compile(topics.inbound_pattern("t1."))
    assert pattern.match("t1.ceb.inbound") and pattern.match("t1.ceb.inbound.DXPENT0000000001")
    for other in ("t1.ceb.inbound.dlq", "ceb.inbound.DXPENT0000000001", "t1.ceb.inbound.DXP.X", "t1xceb.inbound"):
        assert not pattern.match(other), other
    assert topics.inbound_sender("t1.ceb.inbound.DXPENT0000000001", "t1.") == "DXPENT0000000001"
    assert topics.inbound_sender("t1.ceb.inbound", "t1.") is None
    assert topics.inbound_sender("t1.ceb.inbound.dlq", "t1.") is None


def test_each_service_authenticates_as_its_own_principal():
    env = {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "GATEWAY_KAFKA_SASL_USERNAME": "cbec-gateway",
           "GATEWAY_KAFKA_SASL_PASSWORD": "g-secret", "KAFKA_SASL_USERNAME": "cbec-other", "KAFKA_SASL_PASSWORD": "o"}
    gateway = GatewaySettings.from_env(env)
    assert gateway.kafka_auth() == {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                                    "sasl_plain_username": "cbec-gateway", "sasl_plain_password": "g-secret"}
    assert ManagementSettings.from_env(env).kafka_auth()["sasl_plain_username"] == "cbec-other"
    assert "g-secret" not in repr(gateway)
    assert GatewaySettings.from_env({}).kafka_auth() == {"security_protocol": "PLAINTEXT"}
