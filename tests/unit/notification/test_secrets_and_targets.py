"""Webhook secrets sealed at rest, and the addresses webhooks may reach."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from services.notification.domain.webhook_targets import RefusedTarget, TargetPolicy
from shared.sealing import Sealer, SealingError


def test_a_sealed_secret_is_not_readable_without_the_key():
    key = Fernet.generate_key().decode()
    stored = Sealer(key).seal("s3cret-of-the-erp")
    assert "s3cret" not in stored and stored.startswith("fernet:")
    assert Sealer(key).open(stored) == "s3cret-of-the-erp"
    with pytest.raises(SealingError):
        Sealer(Fernet.generate_key().decode()).open(stored)
    with pytest.raises(SealingError):
        Sealer().open(stored)


def test_without_a_key_values_say_they_are_plain_and_stay_readable_once_a_key_comes():
    stored = Sealer().seal("abc")
    assert stored == "plain:abc"
    assert Sealer(Fernet.generate_key().decode()).open(stored) == "abc"


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "169.254.169.254",
                                     "::1", "fe80::1", "fd00::1", "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1"])
def test_private_and_local_addresses_are_refused(address):
    assert TargetPolicy().refusal(address) is not None


def test_public_addresses_pass_and_the_allow_list_opens_a_local_one():
    assert TargetPolicy().refusal("93.184.216.34") is None
    assert TargetPolicy(["127.0.0.1"]).refusal("127.0.0.1") is None
    assert TargetPolicy(["127.0.0.1"]).refusal("127.0.0.2") is not None


async def test_a_name_resolving_to_loopback_is_refused():
    with pytest.raises(RefusedTarget, match="loopback"):
        await TargetPolicy().resolve("localhost", 5432)
