"""Bearer tokens as the gateway issues them (HS256 under CBEC_AUTH_KEY), for tests of their readers."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

ISSUER = "cbec-clearance"


def issue_jwt(key: str, role: str, name: str, ttl_s: float = 3600, dxp_id: str | None = None) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"iss": ISSUER, "sub": name, "role": role, "jti": hashlib.sha256(f"{name}{now}".encode()).hexdigest()[:32],
              "iat": now, "exp": now + int(ttl_s), **({"dxp": dxp_id} if dxp_id else {})}
    signing = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}"
    signature = hmac.new(key.encode(), signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
