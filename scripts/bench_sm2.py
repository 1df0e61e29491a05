"""Milliseconds per SM2-SM3 verification and signature, by the engine in use (the machine's
OpenSSL, :mod:`shared.messages.signature.sm2_openssl`) and by the pure-Python reference, on the same
key and message. Not a test: run it and read the figures (CPU time, so that a busy machine
distorts them less than wall time would).

    .venv/bin/python scripts/bench_sm2.py [--count 300] [--size 4000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.unit.gateway.certificates

from shared.messages.signature import load_certificate, sm2, sm2_reference  # noqa: E402
from tests.unit.gateway.certificates import make_sm2_key_and_certificate  # noqa: E402


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
    key, point = sm2.private_key(key_pem), sm2.public_point(load_certificate(cert_pem))
    data = bytes(range(256)) * (args.size // 256 + 1)
    value = sm2.sign(key, data)
    r, s = int.from_bytes(value[:32], "big"), int.from_bytes(value[32:], "big")
    reference = sm2_reference.ReferenceSm2()
    fast_count, slow_count = args.count, max(args.count // 10, 3)
    rows = [
        ("verify", per_call_ms(lambda: sm2.verify(point, value, data), fast_count),
         per_call_ms(lambda: reference.verify(point, r, s, sm2.SIGNER_ID, data), slow_count)),
        ("sign", per_call_ms(lambda: sm2.sign(key, data), fast_count),
         per_call_ms(lambda: reference.sign(key.scalar, key.public, sm2.SIGNER_ID, data), slow_count)),
        ("private key from PEM", per_call_ms(lambda: sm2.private_key(key_pem), fast_count),
         per_call_ms(lambda: reference.public_of(key.scalar), slow_count)),
    ]
    print(f"engine: {sm2.engine()}")
    print(f"{'ms per call':<22}{'engine':>10}{'reference':>12}{'ratio':>8}")
    for name, fast, slow in rows:
        print(f"{name:<22}{fast:>10.3f}{slow:>12.3f}{slow / fast:>7.1f}x")


if __name__ == "__main__":
    main()
