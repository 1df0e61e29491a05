"""The JSON Schemas of the JSON twin are derived from the official XSD and published current."""
from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from shared.messages.json_schema import EDITION, all_roots, render, schema_for
from shared.messages.official_schema import schema_problems
from shared.messages.xsd_structure import Element, element

ROOT = Path(__file__).resolve().parents[3]
PUBLISHED = ROOT / "docs" / "schemas" / EDITION / "json"
SAMPLES = ROOT / "tests" / "fixtures" / "standard" / "samples-export"


def test_published_json_schemas_are_the_ones_the_xsd_gives():
    published = {p.name for p in PUBLISHED.glob("*.schema.json")}
    assert published == {f"{r}.schema.json" for r in all_roots()}
    for root in all_roots():
        assert (PUBLISHED / f"{root}.schema.json").read_text(encoding="utf-8") == render(root), (
            f"regenerate: python -m shared.messages.json_schema docs/schemas/{EDITION}/json")


def test_published_xsds_are_the_project_copies():
    assert {p.name for p in (PUBLISHED.parent / "xsd").glob("*.xsd")} >= {"ceb-export-202205.xsd", "ceb-import-202205.xsd"}


@pytest.mark.parametrize("root", all_roots())
def test_each_schema_is_valid_draft_2020_12(root):
    jsonschema.Draft202012Validator.check_schema(schema_for(root))


def _twin(node: etree._Element, decl: Element) -> dict:
    """The JSON twin of an XSD-valid element, read by the declaration alone (not by our codec)."""
    out: dict = dict(node.attrib)
    for child_decl in decl.children:
        found = [c for c in node if etree.QName(c).localname == child_decl.name]
        if not found:
            continue
        if child_decl.namespace == "ds" or child_decl.any_content:
            value = {"xml": etree.tostring(found[0]).decode()}
        elif child_decl.simple:
            value = [c.text or "" for c in found]
        else:
            value = [_twin(c, child_decl) for c in found]
        if not isinstance(value, dict):
            value = value if child_decl.repeated else value[0]
        out[child_decl.name] = value
    return out


VALID_SAMPLES = sorted(p for p in SAMPLES.glob("CEB*Message.xml") if not schema_problems(p.read_bytes()))


@pytest.mark.parametrize("path", VALID_SAMPLES, ids=lambda p: p.stem)
def test_the_twin_of_every_schema_valid_official_sample_satisfies_its_json_schema(path):
    node = etree.parse(str(path)).getroot()
    root = etree.QName(node).localname
    twin = {root: _twin(node, element(root))}
    errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft202012Validator(schema_for(root)).iter_errors(twin)]
    assert errors == []


def test_a_field_longer_than_the_xsd_allows_breaks_the_json_schema():
    path = SAMPLES / "CEB604Message.xml"
    node = etree.parse(str(path)).getroot()
    twin = {"CEB604Message": _twin(node, element("CEB604Message"))}
    twin["CEB604Message"]["InventoryReturn"][0]["copNo"] = "X" * 31
    errors = list(jsonschema.Draft202012Validator(schema_for("CEB604Message")).iter_errors(twin))
    assert [list(e.path) for e in errors] == [["CEB604Message", "InventoryReturn", 0, "copNo"]]
