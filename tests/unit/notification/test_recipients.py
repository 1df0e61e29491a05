from datetime import UTC, datetime

from services.notification.adapters.receipt_store import KnownEnterprise
from services.notification.service_layer.delivery import recipients_of
from shared.contracts import ReceiptIssued, Recipient


def issued(recipients, concerns):
    return ReceiptIssued(receipt_id="6f1c6e0e-8a5e-4c55-9a55-0d3c2b1a0f00", message_type="CEB604", business_key="AG1",
                         fields={"returnStatus": "800"}, recipients=recipients, concerns=concerns,
                         issued_at=datetime.now(UTC), issued_by="management")


def test_a_release_goes_to_the_agent_and_every_registered_enterprise_it_concerns_once():
    known = {"3301960002": KnownEnterprise("3301960002", "DXPEBC", None),
             "3301960001": KnownEnterprise("3301960001", "DXPAGENT", None),
             "3301960009": KnownEnterprise("3301960009", "DXPEBP", "json")}
    r = issued([Recipient(dxp_id="DXPAGENT", format="xml")], ["3301960001", "3301960002", "3301960009", "0000000000"])
    assert recipients_of(r, known) == [Recipient(dxp_id="DXPAGENT", format="xml"),
                                       Recipient(dxp_id="DXPEBC", format="xml"),
                                       Recipient(dxp_id="DXPEBP", format="json")]


def test_unregistered_parties_get_nothing():
    assert recipients_of(issued([], ["3301960002"]), {}) == []
