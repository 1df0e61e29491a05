from services.notification.domain.endpoint_pause import EndpointPauses


def test_a_window_of_failures_pauses_the_endpoint_for_a_growing_capped_while():
    p = EndpointPauses(window=4, base_s=1.0, cap_s=5.0)
    for _ in range(3):
        p.failed("A", now=0.0)
    assert p.paused(0.0) == []  # a few failures: each delivery's own back-off is enough
    p.failed("A", now=0.0)
    assert p.paused(0.5) == ["A"] and p.paused(1.01) == []
    for _ in range(4):
        p.failed("A", now=10.0)
    assert p.paused(11.5) == ["A"] and p.paused(12.01) == []
    for _ in range(40):
        p.failed("A", now=20.0)
    assert p.paused(24.9) == ["A"] and p.paused(25.01) == []  # capped


def test_one_answer_ends_the_pause_and_other_endpoints_are_not_affected():
    p = EndpointPauses(window=1, base_s=10.0)
    p.failed("A", now=0.0)
    assert p.paused(1.0) == ["A"]
    assert p.answered("A") is True  # it had been failing: it recovered
    assert p.answered("A") is False
    assert p.paused(1.0) == []
    p.failed("A", now=2.0)
    assert p.paused(3.0) == ["A"]  # counting starts again
