"""Receipt ids are stored as ``str(uuid.UUID(id))`` writes them, however a producer spelled them."""
from __future__ import annotations

import uuid

import pytest

from services.notification.service_layer.delivery import _canonical


@pytest.mark.parametrize("spelling", [
    "6f1c6e0e-8a5e-4c55-9a55-0d3c2b1a0f00", "6F1C6E0E-8A5E-4C55-9A55-0D3C2B1A0F00",
    "6f1c6e0e8a5e4c559a550d3c2b1a0f00", "{6f1c6e0e-8a5e-4c55-9a55-0d3c2b1a0f00}",
    "urn:uuid:6f1c6e0e-8a5e-4c55-9a55-0d3c2b1a0f00", "6f1c6e0e-8a5e-4C55-9a55-0d3c2b1a0f00"])
def test_same_as_uuid(spelling):
    assert _canonical(spelling) == str(uuid.UUID(spelling))


def test_a_canonical_id_is_kept_as_it_is():
    rid = str(uuid.uuid4())
    assert _canonical(rid) is rid


@pytest.mark.parametrize("bad", ["", "not-a-uuid", "6f1c6e0e-8a5e-4c55-9a55-0d3c2b1a0f0", "6f1c6e0e-8a5e-4c55-9a55-0d3c2b1a0f00\n"])
def test_not_an_id_fails_as_before(bad):
    try:
        expected = str(uuid.UUID(bad))
    except ValueError:
        with pytest.raises(ValueError):
            _canonical(bad)
    else:
        assert _canonical(bad) == expected
