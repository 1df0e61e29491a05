"""The machine's OpenSSL does SM2-SM3 here, and it agrees with the pure-Python reference on every
valid and invalid signature (tampered r, s, message, another key, a point off the curve), in either
encoding, from many threads at once."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from asn1crypto.algos import DSASignature

from shared.messages.signature import load_certificate, sm2, sm2_openssl, sm2_reference

from .certificates import make_sm2_key_and_certificate

ID = sm2.SIGNER_ID
MESSAGE = b"<ds:SignedInfo>...</ds:SignedInfo>" * 30


@pytest.fixture(scope="module")
def engines():
    fast = sm2_openssl.load()
    assert fast is not None, "libcrypto 3 with SM2 is on every supported platform (Debian, deploy/Dockerfile)"
    return fast, sm2_reference.ReferenceSm2()


@pytest.fixture(scope="module")
def keys():
    key_pem, cert_pem = make_sm2_key_and_certificate()
    other_pem, _ = make_sm2_key_and_certificate()
    return sm2.private_key(key_pem), sm2.public_point(load_certificate(cert_pem)), sm2.private_key(other_pem)


def test_the_gateway_uses_openssl():
    assert sm2.engine().startswith("OpenSSL 3")


def test_both_derive_the_same_public_point(engines, keys):
    fast, reference = engines
    key, point, _ = keys
    assert fast.public_of(key.scalar) == reference.public_of(key.scalar) == key.public == point


def test_each_verifies_the_others_signatures_and_refuses_the_same_forgeries(engines, keys):
    fast, reference = engines
    key, point, other = keys
    for signer in engines:
        r, s = signer.sign(key.scalar, key.public, ID, MESSAGE)
        cases = {
            "valid": (point, r, s, MESSAGE, ID, True),
            "r tampered": (point, r ^ 1, s, MESSAGE, ID, False),
            "s tampered": (point, r, (s + 1) % sm2.N, MESSAGE, ID, False),
            "message tampered": (point, r, s, MESSAGE[:-1] + b"!", ID, False),
            "another key": (other.public, r, s, MESSAGE, ID, False),
            "another signer id": (point, r, s, MESSAGE, b"1234567812345679", False),
            "point off the curve": (point[:-1] + bytes([point[-1] ^ 1]), r, s, MESSAGE, ID, False),
        }
        for name, (p, rr, ss, data, signer_id, expected) in cases.items():
            assert fast.verify(p, rr, ss, signer_id, data) is expected, (type(signer).__name__, name)
            assert reference.verify(p, rr, ss, signer_id, data) is expected, (type(signer).__name__, name)


def test_both_value_encodings_verify_and_bad_ones_do_not(keys):
    key, point, _ = keys
    raw = sm2.sign(key, MESSAGE)
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    der = DSASignature({"r": r, "s": s}).dump()
    assert len(raw) == 64 and sm2.verify(point, raw, MESSAGE) and sm2.verify(point, der, MESSAGE)
    assert not sm2.verify(point, der + b"\x00", MESSAGE)  # trailing bytes
    assert not sm2.verify(point, raw[:63], MESSAGE)
    assert not sm2.verify(point, bytes(32) + raw[32:], MESSAGE)  # r = 0
    assert not sm2.verify(point, raw[:32] + sm2.N.to_bytes(32, "big"), MESSAGE)  # s = n


def test_the_known_answer_openssl_is_proved_with_holds_for_the_reference(engines):
    _, reference = engines
    value = DSASignature.load(sm2_openssl._PROOF_VALUE)
    assert reference.verify(sm2_openssl._PROOF_POINT, value["r"].native, value["s"].native, ID, b"abc")


def test_many_threads_at_once(keys):
    key, point, other = keys
    values = [sm2.sign(key, MESSAGE + bytes([n])) for n in range(8)]

    def check(n: int) -> tuple[bool, bool]:
        data, value = MESSAGE + bytes([n % 8]), values[n % 8]
        return sm2.verify(point, value, data), sm2.verify(other.public, value, data)

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(check, range(100))) == {(True, False)}


def test_without_an_openssl_that_does_sm2_the_reference_signs_and_verifies_and_says_so(monkeypatch, caplog, keys):
    key, point, _ = keys
    monkeypatch.setattr(sm2_openssl, "load", lambda: None)
    monkeypatch.setattr(sm2, "_engine", None)
    with caplog.at_level("WARNING", logger=sm2.__name__):
        assert sm2.engine() == "pure Python (snowland-smx)"
    assert "pure-Python" in caplog.text
    value = sm2.sign(key, MESSAGE)
    assert sm2.verify(point, value, MESSAGE) and not sm2.verify(point, value, MESSAGE + b" ")
    monkeypatch.undo()
    assert sm2.verify(point, value, MESSAGE)  # and OpenSSL, back in use, takes what the reference signed
