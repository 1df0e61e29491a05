"""A sender's bucket (services/gateway/domain/sender_quota.py): refilled at its rate up to its burst."""
from services.gateway.domain.sender_quota import SenderQuota


def test_a_bucket_refills_at_its_rate_up_to_its_burst_and_grants_only_whole_tokens():
    quota = SenderQuota(rate=10, burst=5, quantum=3)
    assert quota.refill(0.0, at=100.0, now=100.25) == 2.5
    assert quota.refill(4.0, at=100.0, now=200.0) == 5  # never more than the burst
    assert quota.refill(2.0, at=100.0, now=99.0) == 2.0  # a clock behind the bucket's adds nothing
    assert quota.grant(2.5, wanted=3) == 2 and quota.grant(5, wanted=3) == 3 and quota.grant(0.9, wanted=1) == 0


def test_no_rate_means_turns_only():
    assert not SenderQuota(rate=0, burst=200, quantum=20).limited
    assert SenderQuota(rate=100, burst=200).limited
