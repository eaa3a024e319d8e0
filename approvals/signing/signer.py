"""One incremental PAdES signature with the 日付印 as its appearance, and the
verification of every signature in a decision PDF (pyHanko)."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests
from asn1crypto import x509
from pyhanko.pdf_utils.content import ImportedPdfPage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.validation import add_validation_info, validate_pdf_signature
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext

from approvals.pdf.layout import StampBox, StampFacts
from approvals.signing import keys
from approvals.signing.stamp import render_stamp_pdf


def timestamper(url: str | None = None) -> timestamps.HTTPTimeStamper:
    url = url or keys.config()["TSA_URL"]
    if not url:
        raise keys.SigningUnavailable("no time-stamping authority configured (KIROKU_TSA_URL)")
    return timestamps.HTTPTimeStamper(url, timeout=10)


def sign_pdf(
    data: bytes,
    *,
    key_label: str,
    certificate: x509.Certificate,
    ca_chain: list[x509.Certificate],
    facts: StampFacts | None,
    box: StampBox,
    field_name: str,
    reason: str = "",
    tsa_url: str | None = None,
    appearance: bytes | None = None,
    signer_name: str = "",
) -> bytes:
    """``data`` plus one incremental update: a new signature field in ``box`` whose
    appearance is the stamp of ``facts`` (or ``appearance``, a one-page PDF such as a 備考
    line), signed in the token with a TSA timestamp.

    Raises :class:`keys.SigningUnavailable` when the token or the TSA cannot be reached."""
    stamp = appearance if appearance is not None else render_stamp_pdf(facts)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as stamp_file:
        stamp_file.write(stamp)
        stamp_file.flush()
        style = StaticStampStyle(
            background=ImportedPdfPage(stamp_file.name, page_ix=0), border_width=0
        )
        spec = fields.SigFieldSpec(
            sig_field_name=field_name,
            on_page=box.page_index,
            box=(box.x, box.y, box.x + box.width, box.y + box.height),
        )
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason or None,
            name=signer_name or (facts.surname if facts else None),
        )
        out = io.BytesIO()
        with keys.token_session() as session:
            signer = PKCS11Signer(
                session, key_label=key_label, signing_cert=certificate, ca_chain=ca_chain
            )
            pdf_signer = signers.PdfSigner(
                meta,
                signer=signer,
                timestamper=timestamper(tsa_url),
                stamp_style=style,
                new_field_spec=spec,
            )
            writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
            try:
                pdf_signer.sign_pdf(writer, output=out)
            except (SigningError, requests.RequestException, OSError) as exc:
                raise keys.SigningUnavailable(f"signing {field_name}: {exc!r}") from exc
    return out.getvalue()


def _has_vri(reader: PdfFileReader, embedded) -> bool:
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    if "/DSS" not in reader.root:
        return False
    dss = reader.root["/DSS"]  # indexing resolves indirect references
    if "/VRI" not in dss:
        return False
    # The identifier pyHanko's add_validation_info gives the signature's VRI entry.
    contents = embedded.pkcs7_content.hex().encode("ascii")
    return DocumentSecurityStore.sig_content_identifier(contents) in dss["/VRI"]


def add_document_timestamp(
    data: bytes, *, trust_roots: list[x509.Certificate] | None = None, tsa_url: str | None = None
) -> bytes:
    """PAdES-B-LTA's archive step on the decided file: the validation data of every
    signature and timestamp (certificates, and the CRLs/OCSP answers their issuers
    publish) in the document security store (DSS), then a document timestamp over the
    whole file. The timestamp's own data is not added after it (that would be one more
    revision it does not cover): its TSA is the one of the signatures' timestamps, whose
    chain and CRL are already in the DSS."""
    # Kiroku's CA publishes no revocation data: soft-fail takes the chain as it is, while
    # the TSA's CRL (which it names) is fetched and embedded.
    context = ValidationContext(
        trust_roots=trust_roots or [], allow_fetching=True, revocation_mode="soft-fail"
    )
    try:
        count = len(PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures)
        for index in range(count):
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            if _has_vri(reader, reader.embedded_signatures[index]):
                # Already in the DSS (an earlier archive step, before a 備考 was signed):
                # rewriting its VRI entry would read as a suspicious change to a validator.
                continue
            out = io.BytesIO()
            add_validation_info(reader.embedded_signatures[index], context, output=out)
            data = out.getvalue()
        out = io.BytesIO()
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        signers.PdfTimeStamper(timestamper(tsa_url)).timestamp_pdf(
            writer, md_algorithm="sha256", output=out
        )
    except (SigningError, requests.RequestException, OSError) as exc:
        raise keys.SigningUnavailable(f"document timestamp: {exc!r}") from exc
    return out.getvalue()


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    signer: str
    signing_time: str | None
    timestamp_time: str | None
    timestamp_authority: str
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    coverage: str
    document_timestamp: bool


def _name(cert) -> str:
    try:
        return cert.subject.native.get("common_name", "") or cert.subject.human_friendly
    except (AttributeError, ValueError):
        return ""


def verify_pdf(data: bytes, trust_roots: list[x509.Certificate]) -> list[SignatureReport]:
    """Every signature in ``data``, earliest first, checked against ``trust_roots``."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    context = ValidationContext(trust_roots=trust_roots, allow_fetching=False)
    reports = []
    for embedded in reader.embedded_signatures:
        is_doc_ts = embedded.sig_object.get("/Type") == "/DocTimeStamp"
        if is_doc_ts:
            from pyhanko.sign.validation import validate_pdf_timestamp

            status = validate_pdf_timestamp(embedded, validation_context=context)
            ts = status.timestamp
            reports.append(
                SignatureReport(
                    field_name=embedded.field_name,
                    signer="",
                    signing_time=None,
                    timestamp_time=ts.isoformat() if ts else None,
                    timestamp_authority=_name(status.signing_cert),
                    intact=status.intact,
                    valid=status.valid,
                    trusted=status.trusted,
                    covers_whole_file=status.coverage.name == "ENTIRE_FILE",
                    coverage=status.coverage.name,
                    document_timestamp=True,
                )
            )
            continue
        status = validate_pdf_signature(
            embedded, signer_validation_context=context, ts_validation_context=context
        )
        ts_status = status.timestamp_validity
        reported = status.signer_reported_dt
        reports.append(
            SignatureReport(
                field_name=embedded.field_name,
                signer=_name(status.signing_cert),
                signing_time=reported.isoformat() if reported else None,
                timestamp_time=ts_status.timestamp.isoformat() if ts_status else None,
                timestamp_authority=_name(ts_status.signing_cert) if ts_status else "",
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                covers_whole_file=status.coverage.name == "ENTIRE_FILE",
                coverage=status.coverage.name,
                document_timestamp=False,
            )
        )
    return reports


def tsa_trust_roots() -> list[x509.Certificate]:
    """The TSA's root certificates, from KIROKU_TSA_TRUST_ROOTS (PEM/DER files)."""
    from asn1crypto import pem
    from django.conf import settings

    roots = []
    for path in settings.KIROKU_SIGNING.get("TSA_TRUST_ROOTS", []):
        raw = Path(path).read_bytes()
        if pem.detect(raw):
            for _, _, der in pem.unarmor(raw, multiple=True):
                roots.append(x509.Certificate.load(der))
        else:
            roots.append(x509.Certificate.load(raw))
    return roots
