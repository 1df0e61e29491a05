"""Asserting that a message is rejected with a given format error code."""
from __future__ import annotations

import pytest

from shared.messages import FormatError, decode_message


def rejected(raw: bytes, code: str, **kwargs) -> FormatError:
    with pytest.raises(FormatError) as caught:
        decode_message(raw, **kwargs)
    err = caught.value
    assert err.code == code, err
    assert str(err) == f"[Code:{code};Desc:{err.reason}]"
    return err
