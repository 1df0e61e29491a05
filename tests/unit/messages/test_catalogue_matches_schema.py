"""The catalogue is the official schema: every message type's structure, read from the XSD.

For every message type the platform accepts (whatever ``MESSAGE_SPECS`` holds), the documents,
heads, list items and their fields — names, order, required-ness (minOccurs), lengths, decimal
digits — are derived from ``ceb-export-202205.xsd`` and compared with the catalogue, so the two
cannot drift.
"""
from __future__ import annotations

import pytest

from shared.messages.catalogue import (
    BASE_SUBSCRIBE,
    BASE_TRANSFER,
    EXTEND_MESSAGE,
    MAX_DOCUMENTS,
    MAX_SUBSCRIPTIONS,
    MESSAGE_SPECS,
    FieldSpec,
)
from tests.support import schema_structure as xsd


def _ours(specs: tuple[FieldSpec, ...]) -> list[tuple]:
    return [
        (f.name, f.required, f.max_length, f.min_length, f.format.digits) for f in specs
    ]


def _schemas(name: str) -> list[tuple]:
    found = []
    for f in xsd.fields(name):
        digits = None
        if f.base == "decimal":
            digits = (int(f.facets["totalDigits"]), int(f.facets["fractionDigits"]))
        elif f.base == "int":
            digits = (int(f.facets["totalDigits"]), 0)
        found.append((f.name, f.min_occurs >= 1, f.max_length, f.min_length, digits))
    return found


@pytest.mark.parametrize("message_type", sorted(MESSAGE_SPECS))
def test_the_message_root_holds_what_the_schema_says(message_type):
    spec = MESSAGE_SPECS[message_type]
    parts = [(p.name, p.min_occurs, p.max_occurs) for p in xsd.parts(spec.root)]
    assert parts == [
        (spec.document.name, 1, MAX_DOCUMENTS),
        ("BaseTransfer", 1, 1),
        ("BaseSubscribe", 0, MAX_SUBSCRIPTIONS),
        ("Signature", 0, 1),
        ("ExtendMessage", 0, 1),
    ]


@pytest.mark.parametrize("message_type", sorted(MESSAGE_SPECS))
def test_every_field_is_the_schemas(message_type):
    doc = MESSAGE_SPECS[message_type].document
    assert xsd.is_headed(doc.name) == (not doc.flat)
    if doc.flat:
        assert _ours(doc.head_fields) == _schemas(doc.name)
        return
    assert [(p.name, p.min_occurs, p.max_occurs) for p in xsd.parts(doc.name)] == [
        (doc.head, 1, 1), (doc.item, doc.items_min, doc.items_max)
    ]
    assert _ours(doc.head_fields) == _schemas(doc.head)
    assert _ours(doc.item_fields) == _schemas(doc.item)


@pytest.mark.parametrize("element", [BASE_TRANSFER, BASE_SUBSCRIBE, EXTEND_MESSAGE])
def test_the_transfer_subscription_and_extension_fields_are_the_schemas(element):
    assert _ours(element.head_fields) == _schemas(element.name)
