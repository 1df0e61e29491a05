"""Who calls the console: read from the same bearer tokens the services accept.

The services decide what a caller may do (they get the ``Authorization`` header as it came); the
console needs the caller's role only to decide what it shows (personal data masked or not), so it
reads the token itself: the bootstrap admin token (``CBEC_ADMIN_TOKEN``, compared by its SHA-256)
or a JSON Web Token signed with HMAC-SHA256 under ``CBEC_AUTH_KEY`` (issuer ``cbec-clearance``,
claims ``sub`` = the actor's name, ``role``, ``exp``; ``dxp`` for an enterprise). A token the
console cannot verify gives no role: everything personal stays masked.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

ISSUER = "cbec-clearance"
ROLES = ("admin", "officer", "enterprise")


@dataclass(frozen=True)
class Caller:
    role: str | None  # admin | officer | enterprise | open (the open demo profile) | None (unknown)
    name: str = ""
    dxp_id: str | None = None


class BadCredentials(Exception):
    """A token was given, the console can check it, and it is not valid."""


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify_jwt(token: str, key: str, now: float | None = None) -> dict:
    """The claims of an HS256 token signed with ``key``; BadCredentials when it is not one."""
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(_b64(header_b64))
        claims = json.loads(_b64(claims_b64))
        signature = _b64(signature_b64)
    except (ValueError, binascii.Error, UnicodeDecodeError) as err:
        raise BadCredentials("not a token") from err
    if header.get("alg") != "HS256":
        raise BadCredentials("not an HS256 token")
    expected = hmac.new(key.encode(), f"{header_b64}.{claims_b64}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise BadCredentials("bad signature")
    if claims.get("iss") != ISSUER or not claims.get("sub"):
        raise BadCredentials("not issued by this platform")
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= (now or time.time()):
        raise BadCredentials("expired")
    if claims.get("role") not in ROLES:
        raise BadCredentials("unknown role")
    return claims


@dataclass(frozen=True)
class CallerReader:
    auth_key: str = ""
    admin_token: str = ""
    profile: str = "secure"

    @property
    def can_verify(self) -> bool:
        return bool(self.auth_key or self.admin_token)

    def caller(self, authorization: str | None) -> Caller:
        if not authorization:
            return Caller("open", "open") if self.profile == "open" else Caller(None)
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise BadCredentials("use Authorization: Bearer <token>")
        if self.admin_token and hmac.compare_digest(hashlib.sha256(token.encode()).digest(),
                                                    hashlib.sha256(self.admin_token.encode()).digest()):
            return Caller("admin", "admin")
        if not self.auth_key:
            if self.admin_token:
                raise BadCredentials("invalid credentials")
            return Caller(None)  # nothing to check it with: the services decide, the console masks
        claims = verify_jwt(token, self.auth_key)
        return Caller(claims["role"], str(claims["sub"])[:100], claims.get("dxp"))

