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


def test_a_sender_is_read_a_slice_of_a_turn_at_a_time_while_it_has_a_whole_turn():
    quota = SenderQuota(rate=100, burst=200, quantum=20)
    assert quota.turn(200) == 5 and quota.turn(20.5) == 5  # a quarter of the quantum a batch
    assert quota.turn(19.9) == 0 and quota.turn(0) == 0  # not a trickle: it waits for a whole turn
    assert SenderQuota(rate=100, burst=2, quantum=20).turn(2) == 2  # a whole turn is never more than the burst
    assert SenderQuota(rate=0, burst=0, quantum=20).turn(0) == 5  # no rate: always a slice
    assert SenderQuota(rate=100, burst=200, quantum=2).turn(200) == 1


def test_a_sender_takes_its_quantum_of_a_batch_or_up_to_twice_what_the_others_send():
    quota = SenderQuota(rate=0, burst=0, quantum=20)
    # a flood beside a few lists: its quantum; the lists all
    assert quota.turns({"flood": 300, "agent": 2, "seller": 1}) == {"flood": 20, "agent": 2, "seller": 1}
    # senders of like volume share the batch whole (none of it written out and read back)
    assert quota.turns({"agent": 100, "seller": 90, "carrier": 110}) == {"agent": 100, "seller": 90, "carrier": 110}
    assert quota.turns({"seller": 60, "carrier": 40}) == {"seller": 60, "carrier": 40}
    # the larger takes twice as many as the others together
    assert quota.turns({"agent": 100, "seller": 30}) == {"agent": 60, "seller": 30}
    # alone, all it sent: nobody waits for it
    assert quota.turns({"agent": 500}) == {"agent": 500}
    # ... unless senders wait with deferred messages: a quantum counts for each of them
    assert quota.turns({"agent": 500}, waiting=2) == {"agent": 80}
