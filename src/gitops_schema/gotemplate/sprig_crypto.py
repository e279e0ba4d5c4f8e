"""Sprig cryptography and randomness (crypto.go): passwords, AES, keys and certificates.

The ``cryptography`` and ``bcrypt`` packages are imported only when one of these
functions runs, so templates that never use them do not pay for the import.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
import string
import struct
import uuid
from typing import Any

from gitops_schema.gotemplate.funcs import (
    INT,
    LIST,
    STR,
    FuncError,
    FuncMap,
    GoFunc,
    check_size,
)
from gitops_schema.gotemplate.sprig_conv import strval
from gitops_schema.gotemplate.values import GoObject

_SEED = b"com.lyndir.masterpassword"
_TEMPLATES = {
    "maximum": ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
    "long": [
        "CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
        "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
        "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
        "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
        "CvccCvcvCvccno",
    ],
    "medium": ["CvcnoCvc", "CvcCvcno"],
    "short": ["Cvcn"],
    "basic": ["aaanaaan", "aannaaan", "aaannaaa"],
    "pin": ["nnnn"],
}  # fmt: skip
_CHARS = {
    "V": "AEIOU",
    "C": "BCDFGHJKLMNPQRSTVWXYZ",
    "v": "aeiou",
    "c": "bcdfghjklmnpqrstvwxyz",
    "A": "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
    "a": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
    "n": "0123456789",
    "o": "@&%?,=[]_:-+*$#!'^~;()/.",
    "x": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
}


def derive_password(counter: int, kind: str, password: str, user: str, site: str) -> str:
    """``derivePassword``: the Master Password algorithm (scrypt + HMAC-SHA256)."""
    templates = _TEMPLATES.get(kind)
    if templates is None:
        return f"cannot find password template {kind}"
    salt = _SEED + struct.pack(">I", len(user.encode())) + user.encode()
    key = hashlib.scrypt(password.encode(), salt=salt, n=32768, r=8, p=2, dklen=64, maxmem=1 << 26)
    message = _SEED + struct.pack(">I", len(site.encode())) + site.encode()
    message += struct.pack(">I", counter & 0xFFFFFFFF)
    seed = hmac.new(key, message, hashlib.sha256).digest()
    template = templates[seed[0] % len(templates)]
    return "".join(_CHARS[ch][seed[i + 1] % len(_CHARS[ch])] for i, ch in enumerate(template))


def _aes_key(password: str) -> bytes:
    return (password.encode() + b"\0" * 32)[:32]


def encrypt_aes(password: str, plaintext: str) -> str:
    """``encryptAES``: AES-256-CBC, PKCS#7 padding, random IV first, base64."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    data = plaintext.encode()
    pad = 16 - len(data) % 16
    data += bytes([pad]) * pad
    iv = secrets.token_bytes(16)
    enc = Cipher(algorithms.AES(_aes_key(password)), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + enc.update(data) + enc.finalize()).decode()


def decrypt_aes(password: str, crypt64: str) -> str:
    """``decryptAES``."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        crypt = base64.b64decode(crypt64, validate=True)
    except ValueError as exc:
        raise FuncError(str(exc)) from None
    if len(crypt) < 16 or len(crypt) % 16:
        raise FuncError("crypto/cipher: input not full blocks")
    dec = Cipher(algorithms.AES(_aes_key(password)), modes.CBC(crypt[:16])).decryptor()
    plain = dec.update(crypt[16:]) + dec.finalize()
    if not plain:
        return ""
    return plain[: len(plain) - plain[-1]].decode("utf-8", "replace")


def bcrypt_hash(text: str) -> str:
    """``bcrypt``: a ``$2a$10$`` hash."""
    import bcrypt

    return bcrypt.hashpw(text.encode(), bcrypt.gensalt(10, prefix=b"2a")).decode()


def htpasswd(user: str, password: str) -> str:
    """``htpasswd``: ``user:bcrypt-hash``."""
    if ":" in user:
        return f"invalid username: {user}"
    return f"{user}:{bcrypt_hash(password)}"


def _random(alphabet: str, count: int) -> str:
    if count < 0:
        raise FuncError("count must be non-negative")
    check_size(count, "random string length")
    return "".join(secrets.choice(alphabet) for _ in range(count))


def _rand_bytes(count: int) -> str:
    check_size(count, "random byte count")
    return base64.b64encode(secrets.token_bytes(max(count, 0))).decode()


class Certificate(GoObject):
    """Sprig's ``certificate`` struct: PEM ``Cert`` and ``Key``."""

    go_type = "sprig.certificate"

    def __init__(self, cert: str, key: str) -> None:
        self.cert = cert
        self.key = key

    def go_field(self, name: str) -> Any:
        """``.Cert`` and ``.Key``."""
        if name == "Cert":
            return self.cert
        if name == "Key":
            return self.key
        raise KeyError(name)

    def go_string(self) -> str:
        """``%v`` of the struct."""
        return "{" + self.cert + " " + self.key + "}"

    def go_json(self) -> Any:
        """The struct's exported fields."""
        return {"Cert": self.cert, "Key": self.key}


def gen_private_key(kind: str) -> str:
    """``genPrivateKey``: a PEM key of type rsa, dsa, ecdsa or ed25519."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa

    key: Any
    if kind == "rsa":
        key, fmt = (
            rsa.generate_private_key(65537, 4096),
            serialization.PrivateFormat.TraditionalOpenSSL,
        )
    elif kind == "dsa":
        key, fmt = dsa.generate_private_key(2048), serialization.PrivateFormat.TraditionalOpenSSL
    elif kind == "ecdsa":
        key, fmt = (
            ec.generate_private_key(ec.SECP256R1()),
            serialization.PrivateFormat.TraditionalOpenSSL,
        )
    elif kind == "ed25519":
        key, fmt = ed25519.Ed25519PrivateKey.generate(), serialization.PrivateFormat.PKCS8
    else:
        return "Unknown type " + kind
    pem = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
    return str(pem.decode())


def _load_key(pem: str) -> Any:
    from cryptography.hazmat.primitives import serialization

    try:
        return serialization.load_pem_private_key(pem.encode(), None)
    except ValueError as exc:
        raise FuncError(f"error parsing private key: {exc}") from None


def _new_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(65537, 2048)


def _key_pem(key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    fmt = serialization.PrivateFormat.TraditionalOpenSSL
    try:
        pem = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
    except ValueError:
        fmt = serialization.PrivateFormat.PKCS8
        pem = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
    return str(pem.decode())


def _build(cn: str, ips: Any, dns: Any, days: int, key: Any, ca: Certificate | None,
           is_ca: bool) -> Certificate:  # fmt: skip
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer_name, signer = name, key
    if ca is not None:
        ca_cert = x509.load_pem_x509_certificate(ca.cert.encode())
        issuer_name, signer = ca_cert.subject, _load_key(ca.key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
    )
    if is_ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
    else:
        usages = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), False)
        alt: list[Any] = [x509.IPAddress(ipaddress.ip_address(strval(i))) for i in ips or []]
        alt += [x509.DNSName(strval(d)) for d in dns or []]
        if alt:
            builder = builder.add_extension(x509.SubjectAlternativeName(alt), False)
    algorithm = None if type(signer).__name__.startswith("Ed") else hashes.SHA256()
    cert = builder.sign(signer, algorithm)
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return Certificate(pem, _key_pem(key))


def build_custom_cert(cert64: str, key64: str) -> Certificate:
    """``buildCustomCert``: a certificate from base64 PEM texts."""
    try:
        cert = base64.b64decode(cert64).decode()
        key = base64.b64decode(key64).decode()
    except ValueError as exc:
        raise FuncError(f"unable to decode base64: {exc}") from None
    return Certificate(cert, key)


CERT = "sprig.certificate"

FUNCS: FuncMap = {
    "derivePassword": GoFunc(derive_password, (INT, STR, STR, STR, STR)),
    "encryptAES": GoFunc(encrypt_aes, (STR, STR)),
    "decryptAES": GoFunc(decrypt_aes, (STR, STR)),
    "bcrypt": GoFunc(bcrypt_hash, (STR,)),
    "htpasswd": GoFunc(htpasswd, (STR, STR)),
    "genPrivateKey": GoFunc(gen_private_key, (STR,)),
    "genCA": GoFunc(lambda cn, d: _build(cn, [], [], d, _new_key(), None, True), (STR, INT)),
    "genCAWithKey": GoFunc(
        lambda cn, d, k: _build(cn, [], [], d, _load_key(k), None, True), (STR, INT, STR)
    ),
    "genSelfSignedCert": GoFunc(
        lambda cn, ips, dns, d: _build(cn, ips, dns, d, _new_key(), None, False),
        (STR, LIST, LIST, INT),
    ),
    "genSelfSignedCertWithKey": GoFunc(
        lambda cn, ips, dns, d, k: _build(cn, ips, dns, d, _load_key(k), None, False),
        (STR, LIST, LIST, INT, STR),
    ),
    "genSignedCert": GoFunc(
        lambda cn, ips, dns, d, ca: _build(cn, ips, dns, d, _new_key(), ca, False),
        (STR, LIST, LIST, INT, CERT),
    ),
    "genSignedCertWithKey": GoFunc(
        lambda cn, ips, dns, d, ca, k: _build(cn, ips, dns, d, _load_key(k), ca, False),
        (STR, LIST, LIST, INT, CERT, STR),
    ),
    "buildCustomCert": GoFunc(build_custom_cert, (STR, STR)),
    "randBytes": GoFunc(_rand_bytes, (INT,)),
    "randAlphaNum": GoFunc(lambda n: _random(string.ascii_letters + string.digits, n), (INT,)),
    "randAlpha": GoFunc(lambda n: _random(string.ascii_letters, n), (INT,)),
    "randNumeric": GoFunc(lambda n: _random(string.digits, n), (INT,)),
    "randAscii": GoFunc(lambda n: _random("".join(map(chr, range(32, 127))), n), (INT,)),
    "uuidv4": GoFunc(lambda: str(uuid.uuid4())),
    "shuffle": GoFunc(lambda s: "".join(secrets.SystemRandom().sample(s, len(s))), (STR,)),
}
