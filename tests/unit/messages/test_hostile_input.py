"""Hostile input stays harmless: DTDs and entities, size, depth and encoding (9007-9010)."""
from __future__ import annotations

import pytest
from lxml import etree

from shared.messages import decode_message
from shared.messages.xml_reading import _parser

from .message_files import fixture, sample
from .rejection import rejected

LIST_XML = sample("CEB603_list.xml")
LIST_JSON = sample("CEB603_list.json")


# 9007 DTD and entities --------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ceb:CEB603Message guid="G" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
<ceb:Inventory><ceb:InventoryHead><ceb:note>&lol9;</ceb:note></ceb:InventoryHead></ceb:Inventory>
</ceb:CEB603Message>"""

XXE = LIST_XML.replace(
    b'<?xml version="1.0" encoding="UTF-8"?>\n',
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE ceb:CEB603Message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
).replace(b"<ceb:note/>", b"<ceb:note>&xxe;</ceb:note>", 1)


def test_billion_laughs():
    rejected(BILLION_LAUGHS, "9007")


def test_external_entity_is_rejected_and_never_read():
    err = rejected(XXE, "9007")
    assert "root:" not in err.reason and "root:" not in repr(err)


def test_the_parser_itself_never_expands_entities():
    """Defence in depth: even past the prolog check, no entity would be expanded."""
    root = etree.fromstring(XXE, _parser())
    assert b"root:" not in etree.tostring(root)
    try:
        laughs = etree.fromstring(BILLION_LAUGHS, _parser())
    except etree.XMLSyntaxError as exc:  # libxml2 refuses the amplification outright
        assert "amplification" in str(exc)
    else:
        assert len(etree.tostring(laughs)) < 10_000


@pytest.mark.parametrize(
    "prolog",
    [
        b"<!DOCTYPE CEB603Message>",
        b'<!-- harmless? --><!DOCTYPE x SYSTEM "http://example.com/x.dtd">',
        b'<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
    ],
)
def test_any_doctype_is_rejected(prolog):
    raw = LIST_XML.replace(b"?>\n", b"?>\n" + prolog + b"\n", 1)
    rejected(raw, "9007")


# 9008 too large ---------------------------------------------------------------------------------


def test_five_megabytes_is_too_large():
    padding = b"x" * (5 * 1024 * 1024)
    big_xml = LIST_XML.replace(b"<ceb:note/>", b"<ceb:note>" + padding + b"</ceb:note>", 1)
    assert rejected(big_xml, "9008").format == "xml"  # answered in the format it came in
    big_json = LIST_JSON.replace(b'"note": ""', b'"note": "' + padding + b'"', 1)
    assert rejected(big_json, "9008").format == "json"


def test_the_limit_is_the_callers():
    rejected(LIST_XML, "9008", max_bytes=1000)
    decode_message(LIST_XML, max_bytes=len(LIST_XML))


# 9009 too deep ----------------------------------------------------------------------------------


def test_depth_1000_xml():
    rejected(b"<a>" * 1000 + b"</a>" * 1000, "9009")


def test_depth_1000_json():
    rejected(b'{"a":' * 1000 + b"1" + b"}" * 1000, "9009")
    rejected(b'{"a":' + b"[" * 1000 + b"]" * 1000 + b"}", "9009")


def test_depth_40_anywhere():
    rejected(b"<a>" * 40 + b"</a>" * 40, "9009")
    ceb = b'<ceb:CEB999Message xmlns:ceb="http://www.chinaport.gov.cn/ceb">'
    rejected(ceb + b"<ceb:a>" * 40 + b"</ceb:a>" * 40 + b"</ceb:CEB999Message>", "9009")
    deep = b"<ceb:x>" * 40 + b"</ceb:x>" * 40
    rejected(LIST_XML.replace(b"<ceb:BaseTransfer>", deep + b"<ceb:BaseTransfer>"), "9009")
    rejected(b'{"a":' * 40 + b"1" + b"}" * 40, "9009")


def test_depth_32_is_allowed_by_the_depth_check():
    assert rejected(b"<a>" * 32 + b"</a>" * 32, "9003")


def test_depth_40_inside_a_field():
    nested = b"<ceb:x>" * 40 + b"</ceb:x>" * 40
    rejected(LIST_XML.replace(b"<ceb:note/>", b"<ceb:note>" + nested + b"</ceb:note>", 1), "9009")
    deep = b'{"x":' * 40 + b'""' + b"}" * 40
    rejected(LIST_JSON.replace(b'"note": ""', b'"note": ' + deep, 1), "9009")


def test_depth_40_inside_the_signature():
    nested = b"<ds:x>" * 40 + b"</ds:x>" * 40
    raw = fixture("CEB603_signed.xml").replace(b"<ds:SignedInfo>", b"<ds:SignedInfo>" + nested)
    rejected(raw, "9009")
    deep = b'{"x":' * 40 + b'""' + b"}" * 40
    signed = LIST_JSON.replace(b'"BaseTransfer"', b'"Signature": ' + deep + b', "BaseTransfer"', 1)
    assert signed != LIST_JSON
    rejected(signed, "9009")
    rejected(signed.replace(b"Silk scarf", b"Silk \\u0073carf", 1), "9009")


def test_too_deep_is_said_before_a_misplaced_key():
    deep = b'{"x":' * 40 + b'""' + b"}" * 40
    rejected(LIST_JSON.replace(b'"BaseTransfer"', b'"Extra": ' + deep + b', "BaseTransfer"', 1), "9009")
    rejected(LIST_JSON.replace(b'"BaseTransfer"', b'"Extra": {"x": 1}, "BaseTransfer"', 1), "9011")


def test_a_second_bom_is_not_json():
    rejected(b"\xef\xbb\xbf\xef\xbb\xbf" + LIST_JSON, "9001")


# 9010 encoding ----------------------------------------------------------------------------------


def test_invalid_utf8():
    rejected(LIST_XML.replace(b"Silk scarf", b"Silk \xff\xfe scarf", 1), "9010")
    rejected(LIST_JSON.replace(b"Silk scarf", b"Silk \xc3\x28 scarf", 1), "9010")


def test_utf16_is_not_utf8():
    rejected(LIST_JSON.decode().encode("utf-16"), "9010")


def test_other_declared_encodings():
    rejected(LIST_XML.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'), "9010")


def test_json_escapes_xml_cannot_carry():
    rejected(LIST_JSON.replace(b'"note": ""', b'"note": "a\\u0000b"', 1), "9010")
    rejected(LIST_JSON.replace(b'"note": ""', b'"note": "\\ud800"', 1), "9010")


