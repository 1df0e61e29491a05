"""Who may call the HTTP APIs: bearer tokens with roles, shared by the three services.

Roles:

- ``admin`` — the enterprise registry and certificates (gateway), issuing credentials;
- ``officer`` — customs officers: inspections, approvals, replays, reading lists and bills;
- ``enterprise`` — one enterprise (its DXP id is in the token): its own receipts, webhook, history.

A credential is an ``Authorization: Bearer <token>`` header. The bootstrap admin token comes from
``CBEC_ADMIN_TOKEN`` (compared by its SHA-256, in constant time); every other token is issued by an
admin (``POST /credentials`` on the gateway, ``cbec credential issue``) as a JSON Web Token signed
with HMAC-SHA256 under ``CBEC_AUTH_KEY`` (the same key in every service), carrying the role, the
actor's name (recorded as the actor of every action, never a header) and, for an enterprise, its
DXP id, an expiry and a token id (``jti``). The gateway keeps the SHA-256 of each issued token
with who issued it (``GET /credentials`` lists them); an admin revokes one credential by its token
id (``DELETE /credentials/{tokenId}``), and every service refuses it from then on: the
``revoked`` check (``shared/credential_revocations.py``) is asked on every request. The bootstrap
admin token is not revocable: it is replaced by changing ``CBEC_ADMIN_TOKEN``.

``CBEC_PROFILE=open`` (the local demo only, ``make up``/``make demo``) lets unauthenticated calls
through as an all-powerful caller named by ``X-Operator`` (or ``open``); ``secure`` is the default.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt
from fastapi import Depends, Header, HTTPException, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.config import ProcessSettings

Role = Literal["admin", "officer", "enterprise"]
ROLES: tuple[str, ...] = ("admin", "officer", "enterprise")
PROFILES = ("open", "secure")
ISSUER = "cbec-clearance"
MIN_KEY_CHARS = 32


_BEARER = HTTPBearer(auto_error=False, scheme_name="bearer",
                     description="a token from CBEC_ADMIN_TOKEN or issued by an admin (POST /credentials)")


@dataclass(frozen=True)
class Principal:
    """The caller, as its credential says."""

    role: str  # admin | officer | enterprise | open
    name: str  # the actor recorded in histories
    dxp_id: str | None = None  # an enterprise's own DXP id
    token_id: str | None = None

    def has(self, *roles: str) -> bool:
        return self.role == "open" or self.role in roles

    def may_act_for(self, dxp_id: str) -> bool:
        """An enterprise sees only itself; officers, admins (and the open profile) see every enterprise."""
        return self.role != "enterprise" or self.dxp_id == dxp_id


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: str
    token_id: str
    role: str
    name: str
    dxp_id: str | None
    expires_at: datetime


class Authenticator:
    def __init__(self, profile: str = "secure", key: str = "", admin_token: str = "",
                 revoked: Callable[[str], Awaitable[bool]] | None = None) -> None:
        """``revoked(token_id)``: whether an admin revoked the credential (every service's
        ``RevocationList``); without it, only signatures and expiry are checked."""
        if profile not in PROFILES:
            raise ValueError(f"CBEC_PROFILE must be one of {', '.join(PROFILES)}, not {profile!r}")
        if profile == "secure" and len(key) < MIN_KEY_CHARS:
            raise ValueError(f"CBEC_PROFILE=secure needs CBEC_AUTH_KEY (at least {MIN_KEY_CHARS} characters, "
                             "the same in every service)")
        self.profile = profile
        self._key = key
        self._admin_digest = token_digest(admin_token) if admin_token else ""
        self._revoked = revoked

    @classmethod
    def from_settings(cls, settings: ProcessSettings, revoked: Callable[[str], Awaitable[bool]] | None = None) -> Authenticator:
        return cls(settings.profile, settings.auth_key, settings.admin_token, revoked)

    @property
    def is_open(self) -> bool:
        return self.profile == "open"

    def issue(self, role: str, name: str, dxp_id: str | None = None, ttl: timedelta = timedelta(days=90)) -> Issued:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if role == "enterprise" and not dxp_id:
            raise ValueError("an enterprise credential names its DXP id")
        if not self._key:
            raise ValueError("issuing credentials needs CBEC_AUTH_KEY")
        now = datetime.now(UTC)
        token_id = uuid.uuid4().hex
        claims = {"iss": ISSUER, "sub": name, "role": role, "jti": token_id, "iat": now, "exp": now + ttl}
        if dxp_id:
            claims["dxp"] = dxp_id
        token = jwt.encode(claims, self._key, algorithm="HS256")
        return Issued(token, token_id, role, name, dxp_id if role == "enterprise" else None, now + ttl)

    def authenticate(self, authorization: str | None, x_operator: str | None = None, *,
                     acts: bool = False) -> Principal:
        """The caller; raises 401 when a credential is needed and missing, or is not valid.
        ``acts``: an action recorded in a history — in the open profile it still needs a name."""
        if not authorization:
            if self.is_open:
                if acts and not x_operator:
                    raise HTTPException(401, "say who acts: Authorization: Bearer <token> (or, in the open "
                                             "profile, X-Operator)")
                return Principal("open", (x_operator or "open")[:100])
            raise HTTPException(401, "credentials needed: Authorization: Bearer <token>",
                                headers={"WWW-Authenticate": "Bearer"})
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, "use Authorization: Bearer <token>", headers={"WWW-Authenticate": "Bearer"})
        if self._admin_digest and hmac.compare_digest(token_digest(token), self._admin_digest):
            return Principal("admin", "admin")
        if not self._key:
            raise HTTPException(401, "invalid credentials", headers={"WWW-Authenticate": "Bearer"})
        try:
            claims = jwt.decode(token, self._key, algorithms=["HS256"], issuer=ISSUER,
                                options={"require": ["exp", "sub", "jti", "iss"]})
        except jwt.PyJWTError as exc:
            raise HTTPException(401, f"invalid credentials: {type(exc).__name__}",
                                headers={"WWW-Authenticate": "Bearer"}) from None
        role = claims.get("role")
        if role not in ROLES:
            raise HTTPException(401, "invalid credentials: unknown role", headers={"WWW-Authenticate": "Bearer"})
        return Principal(role, str(claims["sub"])[:100], claims.get("dxp"), str(claims["jti"]))

    async def caller(self, authorization: str | None, x_operator: str | None = None, *,
                     acts: bool = False) -> Principal:
        """:meth:`authenticate`, and a credential an admin revoked is refused (401)."""
        principal = self.authenticate(authorization, x_operator, acts=acts)
        if principal.token_id and self._revoked is not None and await self._revoked(principal.token_id):
            raise HTTPException(401, "invalid credentials: revoked", headers={"WWW-Authenticate": "Bearer"})
        return principal

    def dependency(self, *roles: str, acts: bool = False) -> Any:  # FastAPI's Depends(...)
        """A FastAPI dependency: the caller, who must hold one of ``roles`` (documented in OpenAPI
        as the ``bearer`` security scheme)."""

        async def caller(credentials: HTTPAuthorizationCredentials | None = Security(_BEARER),
                         x_operator: str | None = Header(default=None, alias="X-Operator", include_in_schema=False),
                         ) -> Principal:
            authorization = f"{credentials.scheme} {credentials.credentials}" if credentials else None
            principal = await self.caller(authorization, x_operator, acts=acts)
            if not principal.has(*roles):
                raise HTTPException(403, f"this needs the role {' or '.join(roles)}; "
                                         f"the credential is {principal.role}")
            return principal

        return Depends(caller)


def require_own(principal: Principal, dxp_id: str) -> None:
    """403 unless the caller may act for the enterprise ``dxp_id``."""
    if not principal.may_act_for(dxp_id):
        raise HTTPException(403, "an enterprise credential reaches only its own DXP id")


def new_secret() -> str:
    """A high-entropy token or key (for CBEC_ADMIN_TOKEN, CBEC_AUTH_KEY)."""
    return secrets.token_urlsafe(32)
