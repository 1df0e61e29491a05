"""Keys and self-signed certificates the tests make for themselves."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def make_key_and_certificate(common_name: str = "3301960001", *, days: int = 365,
                             not_before: datetime | None = None, serial: int | None = None) -> tuple[bytes, bytes]:
    """(private key PEM, certificate PEM), RSA 2048."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(serial or x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + timedelta(days=days))
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def make_sm2_key_and_certificate(common_name: str = "3301960001", *, days: int = 365,
                                 not_before: datetime | None = None) -> tuple[bytes, bytes]:
    """(private key PEM, certificate PEM), SM2 self-signed with SM3 (``cryptography`` cannot make them)."""
    import secrets

    from asn1crypto import keys, pem
    from asn1crypto import x509 as asn1_x509
    from asn1crypto.algos import DSASignature

    from shared.messages.signature import sm2

    scalar = secrets.randbelow(sm2.N - 1) + 1
    key = sm2.Sm2PrivateKey(scalar, bytes.fromhex(sm2.kG(scalar, sm2.sm2_G, 64)[:128]))
    curve = keys.ECDomainParameters(name="named", value=sm2.SM2_CURVE)
    point = b"\x04" + key.public
    key_der = keys.PrivateKeyInfo({
        "version": 0,
        "private_key_algorithm": {"algorithm": "ec", "parameters": curve},
        "private_key": keys.ECPrivateKey({"version": "ecPrivkeyVer1", "private_key": scalar,
                                          "public_key": point}),
    }).dump()
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    name = asn1_x509.Name.build({"common_name": common_name})
    sm2_with_sm3 = {"algorithm": "1.2.156.10197.1.501"}
    tbs = asn1_x509.TbsCertificate({
        "version": "v3", "serial_number": x509.random_serial_number(), "signature": sm2_with_sm3,
        "issuer": name, "subject": name,
        "validity": {"not_before": asn1_x509.Time(name="utc_time", value=start),
                     "not_after": asn1_x509.Time(name="utc_time", value=start + timedelta(days=days))},
        "subject_public_key_info": {"algorithm": {"algorithm": "ec", "parameters": curve}, "public_key": point},
    })
    rs = sm2.sign(key, tbs.dump())
    value = DSASignature({"r": int.from_bytes(rs[:32], "big"), "s": int.from_bytes(rs[32:], "big")}).dump()
    cert_der = asn1_x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": sm2_with_sm3,
                                      "signature_value": value}).dump()
    return pem.armor("PRIVATE KEY", key_der), pem.armor("CERTIFICATE", cert_der)
