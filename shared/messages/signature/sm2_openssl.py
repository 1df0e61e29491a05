"""SM2-SM3 by the machine's OpenSSL 3 (``libcrypto.so.3``, through ``ctypes``): 10 to 20 times
faster than the pure-Python arithmetic of :mod:`.sm2_reference` (OpenSSL's own ``openssl speed sm2``
figure: nearly all of the time is its curve arithmetic).

``cryptography`` reads an SM2 certificate but exposes no SM2 key, and Python's ``hashlib`` gives
only SM3, so the few EVP calls are made directly: an ``EVP_PKEY`` from the DER public key (or from
the private scalar), an ``EVP_PKEY_CTX`` carrying the signer's identity (``EVP_PKEY_CTX_set1_id``:
OpenSSL then computes ``Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA)`` itself), and
``EVP_DigestVerify`` / ``EVP_DigestSign`` with ``EVP_sm3``. Values cross the boundary as DER.

The library is opened on first use, once (:func:`load`), and proved by verifying a known signature;
None when it is missing, older than 3.0 or built without SM2 (then :mod:`.sm2` falls back to the
reference). Thread-safety: a key (``EVP_PKEY``) is only read once built and is shared; every call
makes and frees its own contexts; OpenSSL's error queue is per thread and cleared after a failure.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from asn1crypto.algos import DSASignature

EVP_PKEY_SM2 = 1172
# DER prefixes: SubjectPublicKeyInfo {id-ecPublicKey, sm2p256v1} BIT STRING 04 || x || y, and
# SEC1 ECPrivateKey {1, d, [0] sm2p256v1} (OpenSSL computes the public point from d).
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d03420004")
_SEC1_PREFIX = bytes.fromhex("30310201010420")
_SEC1_SUFFIX = bytes.fromhex("a00a06082a811ccf5501822d")
# Known answer checked once at load: a signature of b"abc" (DER) with the identity 1234567812345678.
_PROOF_POINT = bytes.fromhex(
    "14a786700b3998c7fc2d055804dbb404dc928e3d04e2e2f0ea65d228a4287f39"
    "3d85874dbb39601ed8a49b6e2253131261a18e46d937d26f044e3367b4c971ce")
_PROOF_VALUE = bytes.fromhex(
    "3046022100c43889148b2a980de61dc2fe411584eae9c7b10481c3314605e2a4d97d108aef"
    "022100f01d341c05e82debb426a173457d8177369ed26f2e62fc57e3e84864cb96e6ff")

_c = ctypes.c_void_p


class Libcrypto:
    """The EVP functions SM2 needs, bound to one loaded libcrypto."""

    def __init__(self, lib: ctypes.CDLL, path: str) -> None:
        self.path = path
        lib.OpenSSL_version.restype = ctypes.c_char_p
        lib.OpenSSL_version.argtypes = [ctypes.c_int]
        self.version = lib.OpenSSL_version(0).decode()
        for name, restype, argtypes in (
            ("d2i_PUBKEY", _c, [_c, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]),
            ("d2i_PrivateKey", _c, [ctypes.c_int, _c, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]),
            ("i2d_PUBKEY", ctypes.c_int, [_c, ctypes.POINTER(ctypes.c_char_p)]),
            ("EVP_PKEY_free", None, [_c]),
            ("EVP_PKEY_CTX_new", _c, [_c, _c]),
            ("EVP_PKEY_CTX_free", None, [_c]),
            ("EVP_PKEY_CTX_set1_id", ctypes.c_int, [_c, ctypes.c_char_p, ctypes.c_int]),
            ("EVP_MD_CTX_new", _c, []),
            ("EVP_MD_CTX_free", None, [_c]),
            ("EVP_MD_CTX_set_pkey_ctx", None, [_c, _c]),
            ("EVP_sm3", _c, []),
            ("EVP_DigestVerifyInit", ctypes.c_int, [_c, _c, _c, _c, _c]),
            ("EVP_DigestVerify", ctypes.c_int, [_c, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                                ctypes.c_size_t]),
            ("EVP_DigestSignInit", ctypes.c_int, [_c, _c, _c, _c, _c]),
            ("EVP_DigestSign", ctypes.c_int, [_c, ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t),
                                              ctypes.c_char_p, ctypes.c_size_t]),
            ("ERR_clear_error", None, []),
        ):
            function = getattr(lib, name)
            function.restype, function.argtypes = restype, argtypes
            setattr(self, name, function)
        self.sm3 = self.EVP_sm3()
        if not self.sm3:
            raise OSError("libcrypto has no SM3")

    def __getattr__(self, name: str) -> Any:
        """Only for the type checker: the functions above are bound by name at run time."""
        raise AttributeError(name)

    def _d2i(self, der: bytes, private: bool) -> Key | None:
        cursor = ctypes.c_char_p(der)
        if private:
            pointer = self.d2i_PrivateKey(EVP_PKEY_SM2, None, ctypes.byref(cursor), len(der))
        else:
            pointer = self.d2i_PUBKEY(None, ctypes.byref(cursor), len(der))
        if not pointer:
            self.ERR_clear_error()
            return None
        return Key(self, pointer)

    def public_key(self, point: bytes) -> Key | None:
        """The key of the public point ``x || y``; None when it is not a point of the curve."""
        return self._d2i(_SPKI_PREFIX + point, private=False) if len(point) == 64 else None

    def private_key(self, scalar: int) -> Key | None:
        """The key of the private scalar; None when OpenSSL refuses it (or it has not 32 bytes)."""
        if not 0 < scalar < 1 << 256:
            return None
        return self._d2i(_SEC1_PREFIX + scalar.to_bytes(32, "big") + _SEC1_SUFFIX, private=True)

    def _contexts(self, key: Key, signer_id: bytes) -> tuple[int, int]:
        md = self.EVP_MD_CTX_new()
        pkey_ctx = self.EVP_PKEY_CTX_new(key.pointer, None)
        if not md or not pkey_ctx or self.EVP_PKEY_CTX_set1_id(pkey_ctx, signer_id, len(signer_id)) != 1:
            self._free(md, pkey_ctx)
            raise OSError("OpenSSL could not set up an SM2 context")
        self.EVP_MD_CTX_set_pkey_ctx(md, pkey_ctx)
        return md, pkey_ctx

    def _free(self, md: int | None, pkey_ctx: int | None) -> None:
        if md:
            self.EVP_MD_CTX_free(md)  # it does not own pkey_ctx (EVP_MD_CTX_set_pkey_ctx)
        if pkey_ctx:
            self.EVP_PKEY_CTX_free(pkey_ctx)
        self.ERR_clear_error()

    def verify(self, key: Key, signer_id: bytes, value_der: bytes, data: bytes) -> bool:
        md, pkey_ctx = self._contexts(key, signer_id)
        try:
            if self.EVP_DigestVerifyInit(md, None, self.sm3, None, key.pointer) != 1:
                raise OSError("OpenSSL could not start an SM2-SM3 verification")
            return bool(self.EVP_DigestVerify(md, value_der, len(value_der), data, len(data)) == 1)
        finally:
            self._free(md, pkey_ctx)

    def sign(self, key: Key, signer_id: bytes, data: bytes) -> bytes:
        """The DER signature of ``data``."""
        md, pkey_ctx = self._contexts(key, signer_id)
        try:
            size = ctypes.c_size_t(80)  # DER SEQUENCE of two 32-byte INTEGERs: at most 72 bytes
            out = ctypes.create_string_buffer(size.value)
            if (self.EVP_DigestSignInit(md, None, self.sm3, None, key.pointer) != 1
                    or self.EVP_DigestSign(md, out, ctypes.byref(size), data, len(data)) != 1):
                raise OSError("OpenSSL could not make an SM2-SM3 signature")
            return out.raw[:size.value]
        finally:
            self._free(md, pkey_ctx)

    def public_point(self, key: Key) -> bytes:
        """``x || y`` of a key (for a private key: the point OpenSSL computed from its scalar)."""
        size = self.i2d_PUBKEY(key.pointer, None)
        out = ctypes.create_string_buffer(max(size, 0))
        cursor = ctypes.c_char_p(ctypes.addressof(out))
        if size != len(_SPKI_PREFIX) + 64 or self.i2d_PUBKEY(key.pointer, ctypes.byref(cursor)) != size:
            self.ERR_clear_error()
            raise OSError("OpenSSL could not encode an SM2 public key")
        return out.raw[len(_SPKI_PREFIX):]


class Key:
    """An ``EVP_PKEY``, freed when the last reference to it goes."""

    def __init__(self, lib: Libcrypto, pointer: int) -> None:
        self.pointer = pointer
        self._free = lib.EVP_PKEY_free

    def __del__(self) -> None:
        self._free(self.pointer)


class OpenSslSm2:
    """SM2 by libcrypto, with the interface of :class:`.sm2_reference.ReferenceSm2`. Keys are built
    once per public point (a registered certificate) or scalar (a signing key) and kept."""

    def __init__(self, lib: Libcrypto) -> None:
        self.lib = lib
        self.name = f"{lib.version} ({lib.path})"
        self._public_key = lru_cache(maxsize=4096)(lib.public_key)
        self._private_key = lru_cache(maxsize=16)(lib.private_key)

    def _signing_key(self, scalar: int) -> Key:
        key = self._private_key(scalar)
        if key is None:
            raise ValueError("not an SM2 private key: its scalar is out of range")
        return key

    def public_of(self, scalar: int) -> bytes:
        return self.lib.public_point(self._signing_key(scalar))

    def sign(self, scalar: int, public: bytes, signer_id: bytes, data: bytes) -> tuple[int, int]:
        """``(r, s)``; ``public`` goes unused: OpenSSL's Z is that of the point it computes from ``scalar``."""
        value = DSASignature.load(self.lib.sign(self._signing_key(scalar), signer_id, data))
        return value["r"].native, value["s"].native

    def verify(self, point: bytes, r: int, s: int, signer_id: bytes, data: bytes) -> bool:
        key = self._public_key(point)
        if key is None:  # not a point of the curve
            return False
        return self.lib.verify(key, signer_id, DSASignature({"r": r, "s": s}).dump(), data)


def _libraries() -> Iterator[str]:
    yield from ("libcrypto.so.3", "libcrypto.3.dylib")
    found = ctypes.util.find_library("crypto")  # runs ldconfig: only when the usual names are not there
    if found:
        yield found


def _proved(lib: Libcrypto) -> bool:
    key = lib.public_key(_PROOF_POINT)
    return key is not None and lib.verify(key, b"1234567812345678", _PROOF_VALUE, b"abc")


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _load() -> OpenSslSm2 | None:
    for name in _libraries():
        try:
            lib = Libcrypto(ctypes.CDLL(name), name)
            if _proved(lib):
                return OpenSslSm2(lib)
        except (OSError, AttributeError):  # missing, without SM2, or too old to have these functions
            continue
    return None


def load() -> OpenSslSm2 | None:
    """SM2 by the machine's libcrypto when it does SM2-SM3 right, else None; looked for once."""
    with _lock:
        return _load()
