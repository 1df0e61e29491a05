"""SM2-SM3 in pure Python (``snowland-smx``, i.e. ``pysmx``): the reference the OpenSSL path is
tested against, and the fallback where no libcrypto with SM2 can be had (~7 ms a signature).

Here ``e = SM3(Z || M)`` is computed by us, ``Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA)``
(GM/T 0003.2 §5.5), and the curve arithmetic is pysmx's.
"""
from __future__ import annotations

import secrets

from pysmx.SM2 import Sign, Verify, kG, sm2_G
from pysmx.SM2._SM2 import sm2_a, sm2_b

from .sm3 import sm3

N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)

__all__ = ["N", "ReferenceSm2", "kG", "sm2_G"]


def _e(signer_id: bytes, point: bytes, data: bytes) -> str:
    """GM/T 0003 ``e = SM3(Z || M)`` in hex."""
    z = sm3((len(signer_id) * 8).to_bytes(2, "big") + signer_id + sm2_a.to_bytes(32, "big")
            + sm2_b.to_bytes(32, "big") + bytes.fromhex(sm2_G) + point)
    return sm3(z + data).hex()


class ReferenceSm2:
    """SM2 by pysmx: public points, signatures as ``(r, s)``, verification."""

    name = "pure Python (snowland-smx)"

    def public_of(self, scalar: int) -> bytes:
        return bytes.fromhex(kG(scalar, sm2_G, 64)[:128])

    def sign(self, scalar: int, public: bytes, signer_id: bytes, data: bytes) -> tuple[int, int]:
        while True:
            nonce = format(secrets.randbelow(N - 1) + 1, "064x")
            value = Sign(_e(signer_id, public, data), format(scalar, "064x"), nonce, 64, Hexstr=1)
            if value:
                return int.from_bytes(value[:32], "big"), int.from_bytes(value[32:], "big")

    def verify(self, point: bytes, r: int, s: int, signer_id: bytes, data: bytes) -> bool:
        raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        try:
            return bool(Verify(raw, _e(signer_id, point, data), point.hex(), 64, Hexstr=1))
        except (ValueError, ZeroDivisionError):  # a point that is not on the curve
            return False
