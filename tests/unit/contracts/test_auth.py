"""Bearer tokens with roles (shared/auth.py): what a credential lets through, and what not."""
from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import HTTPException

from shared.auth import Authenticator

KEY = "k" * 40


def test_an_issued_token_names_its_role_holder_and_enterprise():
    auth = Authenticator("secure", KEY, "admin-token-0123456789")
    issued = auth.issue("enterprise", "erp-1", "DXPENT0000000001")
    who = auth.authenticate(f"Bearer {issued.token}")
    assert (who.role, who.name, who.dxp_id) == ("enterprise", "erp-1", "DXPENT0000000001")
    assert who.may_act_for("DXPENT0000000001") and not who.may_act_for("DXPENT0000000002")
    assert auth.authenticate("Bearer admin-token-0123456789").role == "admin"


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer ", "Bearer admin-token-wrong"])
def test_no_credential_or_a_wrong_one_is_401_when_secure(header):
    with pytest.raises(HTTPException) as err:
        Authenticator("secure", KEY, "admin-token-0123456789").authenticate(header)
    assert err.value.status_code == 401


def test_expired_and_foreign_tokens_are_refused():
    auth = Authenticator("secure", KEY)
    expired = auth.issue("officer", "li", ttl=timedelta(seconds=-1)).token
    foreign = Authenticator("secure", "x" * 40).issue("admin", "mallory").token
    for token in (expired, foreign):
        with pytest.raises(HTTPException):
            auth.authenticate(f"Bearer {token}")


def test_secure_needs_a_key_and_open_names_the_actor_from_x_operator():
    with pytest.raises(ValueError, match="CBEC_AUTH_KEY"):
        Authenticator("secure", "")
    with pytest.raises(ValueError, match="CBEC_PROFILE"):
        Authenticator("permissive", KEY)
    open_ = Authenticator("open")
    assert open_.authenticate(None, "officer-wang").name == "officer-wang"
    assert open_.authenticate(None).has("admin", "officer")
    with pytest.raises(HTTPException):
        open_.authenticate(None, acts=True)  # an action names its actor, even in the open profile


async def test_a_revoked_token_is_refused_and_the_others_still_work():
    revoked: set[str] = set()

    async def is_revoked(token_id: str) -> bool:
        return token_id in revoked

    auth = Authenticator("secure", KEY, "admin-token-0123456789", revoked=is_revoked)
    first, second = auth.issue("officer", "officer-1"), auth.issue("officer", "officer-2")
    revoked.add(first.token_id)
    with pytest.raises(HTTPException) as err:
        await auth.caller(f"Bearer {first.token}")
    assert err.value.status_code == 401 and "revoked" in err.value.detail
    assert (await auth.caller(f"Bearer {second.token}")).name == "officer-2"
    assert (await auth.caller("Bearer admin-token-0123456789")).role == "admin"  # the bootstrap token has no jti
