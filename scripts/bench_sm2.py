"""Milliseconds per SM2-SM3 verification and signature, by the engine in use (the machine's
OpenSSL, :mod:`shared.messages.signature.sm2_openssl`) and by the pure-Python reference, on the same
key and messages, alone and inside a whole XML-DSig verification and signature. Not a test: run
it and read the figures (CPU time, so that a busy machine distorts them less than wall time would).

    .venv/bin/python scripts/bench_sm2.py [--count 300] [--size 4000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.unit.gateway.certificates

from shared.messages.signature import load_certificate, sign_message, sm2, sm2_reference, verify_xml
from tests.fixtures.gateway import raw
from tests.unit.gateway.certificates import make_sm2_key_and_certificate


def per_call_ms(call, count: int) -> float:
    call()
    start = time.process_time()
    for _ in range(count):
        call()
    return (time.process_time() - start) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="calls per figure (the reference does a tenth)")
    parser.add_argument("--size", type=int, default=4000, help="bytes signed (a SignedInfo is ~1 kB)")
    args = parser.parse_args()
    key_pem, cert_pem = make_sm2_key_and_certificate()
    certificate = load_certificate(cert_pem)
    key, point = sm2.private_key(key_pem), sm2.public_point(certificate)
    data = bytes(range(256)) * (args.size // 256 + 1)
    value = sm2.sign(key, data)
    body = sign_message(raw("CEB603"), key_pem, cert_pem)
    calls = {
        "verify": lambda: sm2.verify(point, value, data),
        "sign": lambda: sm2.sign(key, data),
        "verify_xml (CEB603)": lambda: verify_xml(body, certificate),
        "sign_message (CEB603)": lambda: sign_message(raw("CEB603"), key_pem, cert_pem),
    }
    fast = {name: per_call_ms(call, args.count) for name, call in calls.items()}
    engine = sm2.engine()
    sm2._engine = sm2_reference.ReferenceSm2()  # the same calls by the pure-Python arithmetic
    slow = {name: per_call_ms(call, max(args.count // 10, 3)) for name, call in calls.items()}
    rows = [(name, fast[name], slow[name]) for name in calls]
    print(f"engine: {engine}")
    print(f"{'ms per call':<22}{'engine':>10}{'reference':>12}{'ratio':>8}")
    for name, fast, slow in rows:
        print(f"{name:<22}{fast:>10.3f}{slow:>12.3f}{slow / fast:>7.1f}x")


if __name__ == "__main__":
    main()
