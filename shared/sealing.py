"""Secrets at rest (webhook signing secrets): sealed with Fernet (AES-128-CBC + HMAC-SHA256) under
``CBEC_DATA_KEY`` before they are stored, opened when they are used.

Generate a key with ``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``.
``CBEC_PROFILE=secure`` needs one; without it (the open local profile) values are stored as given.
A stored value says how it is kept (``fernet:`` or ``plain:``), so a key added later still reads
what was stored before it, and a sealed value never passes for a plain one.
"""
from __future__ import annotations

from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken


class _SealingSettings(Protocol):
    @property
    def profile(self) -> str: ...
    @property
    def data_key(self) -> str: ...

SEALED = "fernet:"
PLAIN = "plain:"


class SealingError(ValueError):
    pass


class Sealer:
    def __init__(self, key: str = "") -> None:
        try:
            self._fernet = Fernet(key.encode()) if key else None
        except ValueError as exc:
            raise ValueError(f"CBEC_DATA_KEY is not a Fernet key (32 url-safe base64 bytes): {exc}") from None

    @classmethod
    def from_settings(cls, settings: _SealingSettings) -> Sealer:
        if settings.profile == "secure" and not settings.data_key:
            raise ValueError("CBEC_PROFILE=secure needs CBEC_DATA_KEY (a Fernet key) to keep secrets encrypted")
        return cls(settings.data_key)

    @property
    def encrypts(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str) -> str:
        if self._fernet is None:
            return PLAIN + value
        return SEALED + self._fernet.encrypt(value.encode()).decode("ascii")

    def open(self, stored: str) -> str:
        if stored.startswith(SEALED):
            if self._fernet is None:
                raise SealingError("a sealed secret, and no CBEC_DATA_KEY to open it")
            try:
                return self._fernet.decrypt(stored[len(SEALED):].encode()).decode()
            except InvalidToken:
                raise SealingError("a sealed secret CBEC_DATA_KEY does not open (another key?)") from None
        if stored.startswith(PLAIN):
            return stored[len(PLAIN):]
        return stored  # stored before sealing existed
