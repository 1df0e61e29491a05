"""The customs' own export samples (tests/fixtures/standard/samples-export/), with only their
listed defects corrected (tests/fixtures/standard/README.md): one document instead of ten copies
with the same guid, one BaseTransfer, no placeholder signature, upper-case guids (fresh ones, so
a sample can be sent again). What a test changes beyond that it says itself."""
from __future__ import annotations

import uuid
from pathlib import Path

from lxml import etree

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "standard" / "samples-export"
CEB = "{http://www.chinaport.gov.cn/ceb}"
DSIG = "{http://www.w3.org/2000/09/xmldsig#}"


def raw_sample(message_type: str) -> bytes:
    return (SAMPLES / f"{message_type}Message.xml").read_bytes()


def corrected_sample(message_type: str, head: dict[str, str] | None = None,
                     items: list[dict[str, str]] | None = None) -> bytes:
    """The sample with its defects corrected; ``head`` sets fields of its document's head (of the
    flat document), ``items`` (field values per item, in order) sets its items' fields."""
    root = etree.fromstring(raw_sample(message_type).lstrip(b"\xef\xbb\xbf"))
    root.set("guid", _guid())
    documents = [c for c in root if c.tag not in (CEB + "BaseTransfer", DSIG + "Signature")
                 and not isinstance(c, etree._Comment)]
    for extra in documents[1:]:
        root.remove(extra)
    for signature in root.findall(DSIG + "Signature"):
        root.remove(signature)
    for extra in root.findall(CEB + "BaseTransfer")[1:]:
        root.remove(extra)
    document = documents[0]
    head_element = next((c for c in document if c.tag.endswith("Head")), document)
    _set(head_element, {"guid": _guid(), **(head or {})})
    item_elements = [c for c in document if c.tag.endswith("List")]
    for element, values in zip(item_elements, items or []):
        _set(element, values)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _set(element: etree._Element, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = element.find(CEB + name)
        if field is None:
            raise KeyError(f"the sample's {etree.QName(element).localname} has no {name}")
        field.text = value


def _guid() -> str:
    return str(uuid.uuid4()).upper()
