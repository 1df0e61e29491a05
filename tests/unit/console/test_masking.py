"""What the console shows of personal data: masked unless the caller's role may see it."""
from __future__ import annotations

from services.console.domain.masking import mask_personal

TIMELINE = {
    "cop_no": "AG0001",
    "head": {"ebcName": "Hangzhou Silkworks Export Co.", "ebcTelephone": "0571-86000000",
             "buyerName": "王小明", "buyerIdNumber": "330106199001011234", "note": "call 13812345678 after six"},
    "history": [{"event": "receipt", "actor": "officer-li",
                 "detail": {"returnInfo": "[Code:0000;Desc:ID 33010619900101123X checked]", "returnStatus": "120"}}],
}


def test_an_officer_sees_everything():
    assert mask_personal(TIMELINE, "officer") == TIMELINE


def test_others_see_telephones_ids_and_person_names_masked_and_nothing_else_changed():
    for role in ("admin", "enterprise", None):
        shown = mask_personal(TIMELINE, role)
        head = shown["head"]
        assert head["ebcTelephone"] == "****-****0000"
        assert head["buyerIdNumber"] == "**************1234"
        assert head["buyerName"] == "王**"
        assert head["note"] == "call *******5678 after six"
        assert shown["history"][0]["detail"]["returnInfo"] == "[Code:0000;Desc:ID **************123X checked]"
        # companies, officers, statuses and business keys are not personal data
        assert head["ebcName"] == "Hangzhou Silkworks Export Co."
        assert shown["history"][0]["actor"] == "officer-li"
        assert shown["history"][0]["detail"]["returnStatus"] == "120"
        assert shown["cop_no"] == "AG0001"


def test_business_numbers_that_look_long_are_left_alone():
    shown = mask_personal({"invtNo": "29922026E000000001", "preNo": "B20261201000000005",
                           "logisticsNo": "QT19900101123456"}, None)
    assert shown == {"invtNo": "29922026E000000001", "preNo": "B20261201000000005",
                     "logisticsNo": "QT19900101123456"}


def test_lists_and_non_strings_pass_through():
    assert mask_personal([{"buyerTelephone": "13812345678", "qty": 3, "ok": True, "none": None}], "enterprise") == \
        [{"buyerTelephone": "*******5678", "qty": 3, "ok": True, "none": None}]


def test_a_document_quoted_in_a_text_is_masked_by_its_field_names():
    payload = ('<ceb:CEB303Message><ceb:buyerName>王小明</ceb:buyerName><ceb:buyerTelephone>0571-8888 1234'
               '</ceb:buyerTelephone><ceb:orderNo>ORDER-1</ceb:orderNo></ceb:CEB303Message>')
    masked = mask_personal({"payload": payload}, "admin")["payload"]
    assert "<ceb:buyerName>王**</ceb:buyerName>" in masked and "王小明" not in masked
    assert "<ceb:buyerTelephone>****-**** 1234</ceb:buyerTelephone>" in masked
    assert "<ceb:orderNo>ORDER-1</ceb:orderNo>" in masked
    as_json = mask_personal({"payload": '{"buyerName": "Li Wei", "copNo": "C1"}'}, "admin")["payload"]
    assert as_json == '{"buyerName": "L*****", "copNo": "C1"}'
    assert mask_personal({"payload": payload}, "officer")["payload"] == payload
