import hashlib
import hmac

from services.notification.domain import webhook_signature as sig


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    body = b'{"CEB604Message": {}}'
    expected = hmac.new(b"topsecret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sig.signature("topsecret", 1700000000, body) == f"sha256={expected}"


def test_verify_accepts_the_right_signature_and_rejects_tampering_and_old_timestamps():
    body = b"<ceb:CEB604Message/>"
    header = sig.signature("s3cret", "1700000000", body)
    assert sig.verify("s3cret", "1700000000", body, header, now=1700000010)
    assert not sig.verify("s3cret", "1700000000", body + b" ", header, now=1700000010)
    assert not sig.verify("other", "1700000000", body, header, now=1700000010)
    assert not sig.verify("s3cret", "1700000001", body, header, now=1700000010)
    assert not sig.verify("s3cret", "1700000000", body, header, now=1700009999)
    assert not sig.verify("s3cret", "not-a-number", body, header)


def test_new_secrets_are_long_and_distinct():
    a, b = sig.new_secret(), sig.new_secret()
    assert a != b and len(a) > 40 and a.startswith("whsec_")
