"""Signatures on the decision PDF with keys in SoftHSM2 and timestamps from a real TSA,
checked by pyHanko's validator and independently by poppler's pdfsig."""

from __future__ import annotations

import io
import itertools
import subprocess

import pdfplumber
import pytest

from approvals import services
from approvals.models import CaseEvent
from approvals.pdf.layout import StampFacts
from approvals.signing import flow, keys
from approvals.signing.models import DecisionRevision, SigningIdentity
from approvals.signing.signer import tsa_trust_roots, verify_pdf
from approvals.signing.stamp import render_stamp_pdf, render_stamp_png
from ja.dates import DateStyle
from tests.signing.conftest import five_signer_case

pytestmark = pytest.mark.signing


def revisions(case) -> list[bytes]:
    return [flow.read_revision(r) for r in DecisionRevision.objects.filter(case=case)]


def trust_roots():
    return [keys.from_pem(keys.ensure_authority().certificate_pem), *tsa_trust_roots()]


def pdfsig(data: bytes, tmp_path) -> str:
    """pdfsig's report with Kiroku's CA trusted in a fresh NSS database."""
    nss = tmp_path / "nss"
    nss.mkdir(exist_ok=True)
    ca = tmp_path / "ca.pem"
    ca.write_text(keys.ensure_authority().certificate_pem)
    password = tmp_path / "nss.pw"
    password.write_text("\n")  # an empty password, from a file: certutil never prompts
    if not (nss / "cert9.db").exists():
        run = {"check": True, "stdin": subprocess.DEVNULL, "timeout": 60}
        subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "-f", str(password)], **run)
        subprocess.run(
            [
                "certutil",
                "-A",
                "-d",
                f"sql:{nss}",
                "-n",
                "kiroku-ca",
                "-t",
                "CT,C,C",
                "-i",
                str(ca),
                "-f",
                str(password),
            ],
            **run,
        )
    pdf = tmp_path / "decision.pdf"
    pdf.write_bytes(data)
    result = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    return result.stdout + result.stderr


def test_stamp_shows_section_date_and_surname_in_a_subset_font():
    facts = StampFacts(
        section_name="文書課",
        surname="山田",
        day=__import__("datetime").date(2024, 4, 1),
        date_style=DateStyle.ERA_LETTER,
        capacity="proxy",
        action="proxy_decide",
    )
    data = render_stamp_pdf(facts)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "".join(pdf.pages[0].extract_text().split())
        fonts = {c["fontname"] for c in pdf.pages[0].chars}
    for expected in ("文書課", "R6.4.1", "山田", "代決"):
        assert expected in text
    assert all("+" in name for name in fonts), fonts  # subset (XXXXXX+IPAexMincho)
    western = StampFacts(
        section_name="文書課", surname="山田", day=facts.day, date_style=DateStyle.WESTERN_DOTTED
    )
    with pdfplumber.open(io.BytesIO(render_stamp_pdf(western))) as pdf:
        assert "2024.4.1" in pdf.pages[0].extract_text()
    seal = StampFacts(section_name="文書課", surname="山田", day=facts.day, personal_seal=True)
    with pdfplumber.open(io.BytesIO(render_stamp_pdf(seal))) as pdf:
        seal_text = "".join(pdf.pages[0].extract_text().split())
    assert "山" in seal_text and "田" in seal_text and "文書課" not in seal_text
    png = render_stamp_png(facts)
    assert png.startswith(b"\x89PNG")


def test_five_approvals_all_valid_incremental_and_verified_by_pdfsig(named_city, tmp_path):
    city = named_city
    case = five_signer_case(city)
    for who, action in (
        ("kakaricho", services.approve),
        ("kacho", services.approve),
        ("keiri_kacho", services.agree),
        ("zaisei_kacho", services.agree),
        ("bucho", services.decide),
    ):
        action(case, user=city[who])
    pending = CaseEvent.objects.filter(case=case, signature_state="pending")
    assert pending.count() == 5
    assert flow.apply_signatures(case.pk) == 5
    assert not pending.exists()

    revs = list(DecisionRevision.objects.filter(case=case))
    assert [r.kind for r in revs] == ["build"] + ["signature"] * 5 + ["ltv"]
    datas = revisions(case)
    for earlier, later in itertools.pairwise(datas):
        assert later.startswith(earlier)  # every update is incremental
    signers = SigningIdentity.objects.filter(user__in=[city[k] for k in NAMES_FIVE])
    assert signers.count() == 5

    final = datas[-1]
    reports = verify_pdf(final, trust_roots())
    assert [r.signer for r in reports[:5]] == [
        "木村 一郎",
        "山田 花子",
        "加藤 三郎",
        "伊藤 健",
        "佐藤 次郎",
    ]
    assert all(r.intact and r.valid and r.trusted for r in reports), reports
    assert all(r.timestamp_time for r in reports[:5])
    assert reports[-1].document_timestamp and reports[-1].covers_whole_file
    # Long-term validation data: the certificates and the TSA's CRL in the DSS.
    from pyhanko.pdf_utils.reader import PdfFileReader

    dss = PdfFileReader(io.BytesIO(final)).root["/DSS"]
    assert len(dss["/Certs"]) >= 3 and len(dss["/CRLs"]) >= 1
    assert not any(r.covers_whole_file for r in reports[:5])  # later revisions follow

    report = pdfsig(final, tmp_path)
    # poppler 22.12 cannot check a document timestamp (it says so), only see it.
    assert report.count("Signature is Valid.") == 5, report
    assert report.count("Certificate is Trusted.") == 5, report
    assert report.count("Not total document signed") == 5, report
    assert report.count("Total document signed") == 1, report
    assert "Digest Mismatch" not in report

    # Every hash recorded with its event and in the audit trail.
    events = CaseEvent.objects.filter(case=case, signature_state="signed").order_by("id")
    assert [e.pdf_sha256_after for e in events] == [r.sha256 for r in revs[1:6]]

    # One byte changed inside the first revision (the cover's content) breaks every
    # signature for pyHanko and pdfsig alike.
    original = datas[0]
    at = original.index(b"stream", len(original) // 3) + 20
    tampered = bytearray(final)
    tampered[at] ^= 0x01
    broken = verify_pdf(bytes(tampered), trust_roots())
    assert not any(r.intact for r in broken[:5])
    assert pdfsig(bytes(tampered), tmp_path).count("Digest Mismatch") >= 5


NAMES_FIVE = ("kakaricho", "kacho", "zaisei_kacho", "keiri_kacho", "bucho")


def test_tsa_down_records_the_approval_and_signs_in_order_after_restart(
    named_city, own_tsa, settings
):
    city = named_city
    settings.KIROKU_SIGNING = {**settings.KIROKU_SIGNING, "TSA_URL": own_tsa.url}
    case = five_signer_case(city)
    services.approve(case, user=city["kakaricho"])
    assert flow.apply_signatures(case.pk) == 1

    own_tsa.stop()
    services.approve(case, user=city["kacho"])  # never refused for the outage
    services.agree(case, user=city["zaisei_kacho"])
    with pytest.raises(keys.SigningUnavailable):
        flow.apply_signatures(case.pk)
    pending = CaseEvent.objects.filter(case=case, signature_state="pending").order_by("id")
    assert [e.actor for e in pending] == [city["kacho"], city["zaisei_kacho"]]
    assert case.tasks.filter(state="approved").count() == 2  # recorded all the same

    own_tsa.start()
    assert flow.apply_signatures(case.pk) == 2
    reports = verify_pdf(flow.read_revision(flow.latest_revision(case)), trust_roots())
    assert [r.signer for r in reports] == ["木村 一郎", "山田 花子", "伊藤 健"]
    assert all(r.intact and r.valid for r in reports)
