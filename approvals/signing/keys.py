"""Keys behind PKCS#11 and the certificates issued for them.

Every private key is generated inside the token (sensitive, not extractable) and only
its label is stored; certificates are built here with asn1crypto and signed by the
issuing CA's key, which also never leaves the token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from contextlib import contextmanager

import pkcs11
from asn1crypto import keys as asn1_keys
from asn1crypto import pem, x509
from django.conf import settings
from django.db import transaction
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.util.rsa import encode_rsa_public_key

CA_KEY_PREFIX = "kiroku-issuing-ca"
_lock = threading.Lock()


class SigningUnavailable(RuntimeError):
    """The token (HSM) or the TSA cannot be reached now; the signature stays pending."""


def config() -> dict:
    return settings.KIROKU_SIGNING


@contextmanager
def token_session(rw: bool = False):
    """A logged-in session on the configured token."""
    cfg = config()
    try:
        lib = pkcs11.lib(cfg["PKCS11_MODULE"])
        token = lib.get_token(token_label=cfg["TOKEN_LABEL"])
        session = token.open(rw=rw, user_pin=cfg["PIN"])
    except (pkcs11.PKCS11Error, RuntimeError, OSError) as exc:
        raise SigningUnavailable(f"PKCS#11 token {cfg['TOKEN_LABEL']!r}: {exc!r}") from exc
    try:
        yield session
    finally:
        session.close()


def _find_private(session, label: str):
    try:
        return session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)
    except pkcs11.NoSuchKey:
        return None


def _public_info(session, label: str) -> asn1_keys.PublicKeyInfo:
    public = session.get_key(object_class=ObjectClass.PUBLIC_KEY, label=label)
    return asn1_keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "rsa"},
            "public_key": asn1_keys.RSAPublicKey.load(encode_rsa_public_key(public)),
        }
    )


def generate_key(session, label: str) -> asn1_keys.PublicKeyInfo:
    """An RSA-2048 key pair inside the token (reused if the label already exists)."""
    if _find_private(session, label) is None:
        session.generate_keypair(
            KeyType.RSA,
            2048,
            label=label,
            id=hashlib.sha1(label.encode()).digest(),
            store=True,
            private_template={
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
            },
        )
    return _public_info(session, label)


def _name(common_name: str, unit: str = "") -> x509.Name:
    parts = {"country_name": "JP", "organization_name": config()["ORGANIZATION"]}
    if unit:
        parts["organizational_unit_name"] = unit
    parts["common_name"] = common_name
    # UTF8String, so 漢字 names survive (PrintableString cannot hold them).
    return x509.Name.build(parts, use_printable=False)


def _time(moment: dt.datetime) -> x509.Time:
    if moment.year < 2050:
        return x509.Time({"utc_time": moment})
    return x509.Time({"general_time": moment})


def _issue(
    session,
    *,
    subject: x509.Name,
    public: asn1_keys.PublicKeyInfo,
    issuer: x509.Name,
    issuer_key_label: str,
    issuer_public: asn1_keys.PublicKeyInfo,
    serial: int,
    days: int,
    ca: bool,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    key_usage = (
        {"key_cert_sign", "crl_sign", "digital_signature"}
        if ca
        else {
            "digital_signature",
            "non_repudiation",
        }
    )
    extensions = [
        {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": ca}},
        {"extn_id": "key_usage", "critical": True, "extn_value": key_usage},
        {"extn_id": "key_identifier", "critical": False, "extn_value": public.sha1},
        {
            "extn_id": "authority_key_identifier",
            "critical": False,
            "extn_value": {"key_identifier": issuer_public.sha1},
        },
    ]
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial,
            "signature": {"algorithm": "sha256_rsa"},
            "issuer": issuer,
            "validity": {
                "not_before": _time(now - dt.timedelta(hours=1)),
                "not_after": _time(now + dt.timedelta(days=days)),
            },
            "subject": subject,
            "subject_public_key_info": public,
            "extensions": extensions,
        }
    )
    key = _find_private(session, issuer_key_label)
    if key is None:
        raise SigningUnavailable(f"issuing key {issuer_key_label!r} is not in the token")
    signature = key.sign(tbs.dump(), mechanism=Mechanism.SHA256_RSA_PKCS)
    return x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": {"algorithm": "sha256_rsa"},
            "signature_value": signature,
        }
    )


def to_pem(cert: x509.Certificate) -> str:
    return pem.armor("CERTIFICATE", cert.dump()).decode()


def from_pem(text: str) -> x509.Certificate:
    _, _, der = pem.unarmor(text.encode())
    return x509.Certificate.load(der)


def ensure_authority():
    """Kiroku's issuing CA: created once (key in the token, certificate in the DB)."""
    from approvals.signing.models import SigningAuthority

    existing = SigningAuthority.objects.order_by("id").first()
    if existing is not None:
        return existing
    # A fresh label per installation: one token may serve several (test) databases.
    label = f"{CA_KEY_PREFIX}-{secrets.token_hex(6)}"
    with _lock, token_session(rw=True) as session:
        public = generate_key(session, label)
        name = _name(config()["CA_NAME"])
        cert = _issue(
            session,
            subject=name,
            public=public,
            issuer=name,
            issuer_key_label=label,
            issuer_public=public,
            serial=1,
            days=20 * 366,
            ca=True,
        )
    return SigningAuthority.objects.create(key_label=label, certificate_pem=to_pem(cert))


def surname(user) -> str:
    """The family name for a stamp: 山田 of 「山田 太郎」 (the first part of the name)."""
    full = (getattr(user, "display_name", "") or "").replace("\u3000", " ").strip()
    if full:
        return full.split()[0]
    return user.last_name or user.get_username()


def section_name(user) -> str:
    first = user.departments.order_by("id").first() if user is not None else None
    return first.name if first else ""


def ensure_identity(user):
    """The person's key pair in the token and a certificate from Kiroku's CA (idempotent)."""
    from approvals.signing.models import SigningAuthority, SigningIdentity

    existing = SigningIdentity.objects.filter(user=user).first()
    if existing is not None:
        return existing
    authority = ensure_authority()
    ca_cert = from_pem(authority.certificate_pem)
    label = f"kiroku-user-{user.pk}-{secrets.token_hex(6)}"
    with transaction.atomic():
        locked = SigningAuthority.objects.select_for_update().get(pk=authority.pk)
        serial = locked.next_serial
        locked.next_serial = serial + 1
        locked.save(update_fields=["next_serial"])
        with _lock, token_session(rw=True) as session:
            public = generate_key(session, label)
            display = (getattr(user, "display_name", "") or user.get_username()).strip()
            cert = _issue(
                session,
                subject=_name(display, section_name(user)),
                public=public,
                issuer=ca_cert.subject,
                issuer_key_label=authority.key_label,
                issuer_public=ca_cert.public_key,
                serial=serial,
                days=config()["CERT_DAYS"],
                ca=False,
            )
        return SigningIdentity.objects.create(
            user=user,
            key_label=label,
            certificate_pem=to_pem(cert),
            serial=str(serial),
            issuer=ca_cert.subject.human_friendly,
        )
