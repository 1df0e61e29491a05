"""Every XML sample of the project is valid against the official schema, and complete: the
samples' set holds every message a 9610/9710 shipment's journey needs."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from services.cli.journey import Journey
from shared import samples
from shared.messages.official_schema import schema_problems

ROOT = Path(__file__).resolve().parents[3]
FILES = sorted(
    [*(p for p in samples.sample_files() if p.suffix == ".xml"), *(ROOT / "tests/fixtures/messages").glob("*.xml"),
     *(ROOT / "tests/fixtures/gateway/variants").glob("*.xml")]
)


def message_of(path: Path) -> bytes:
    raw = path.read_bytes()
    envelope = re.search(rb"<Data>([^<]+)</Data>", raw)  # a DXP envelope: the message it carries
    return base64.b64decode(envelope.group(1)) if envelope else raw


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_every_sample_is_schema_valid(path):
    assert schema_problems(message_of(path)) == []


def test_the_samples_hold_a_whole_journey_each_in_the_folder_of_the_role_that_sends_it():
    types = {p.name[:6] for p in samples.sample_files() if p.suffix == ".xml"}
    assert types == {"CEB303", "CEB403", "CEB505", "CEB603", "CEB605", "CEB607", "CEB507", "CEB509"}
    from services.gateway.domain.enterprise import MESSAGES_BY_ROLE

    for path in samples.sample_files():
        role = path.relative_to(samples.HERE).parts[0]
        assert path.name[:6] in MESSAGES_BY_ROLE[role], (role, path.name)
    assert [name for _, name, _, _ in samples.JOURNEY] == [
        "CEB303_order.xml", "CEB403_payment.xml", "CEB505_waybill.xml", "CEB603_list.xml",
        "CEB607_master_bill.xml", "CEB507_arrival.xml", "CEB509_departure.xml"]


def test_what_the_demo_sends_is_schema_valid():
    j = Journey()
    for raw in (j.order_message(), j.payment_message(), j.waybill_message(), j.list_message(),
                j.bill_message("29922026E000000001"), j.arrival_message(), j.departure_message(),
                j.cancel_message("29922026E000000001")):
        assert schema_problems(raw) == []
