"""The signing endpoints: verification report, decision PDF, stamp preview; visibility
as for cases (404 for another department), and in the OpenAPI schema."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from approvals import services
from approvals.signing import flow
from approvals.signing.models import SigningIdentity, StampPreference
from tests.approvals.api_helpers import Clients, refused
from tests.signing.conftest import five_signer_case

pytestmark = pytest.mark.signing


def url(case, what: str) -> str:
    return f"/api/approvals/cases/{case.pk}/{what}/"


def test_verification_pdf_and_preview_for_the_route_and_404_for_others(named_city):
    city = named_city
    clients = Clients(city)
    case = five_signer_case(city)
    services.approve(case, user=city["kakaricho"])
    services.approve(case, user=city["kacho"])

    # Recorded, not yet signed: both pending, the PDF is revision 0 (unsigned build).
    body = clients["drafter"].get(url(case, "verification")).json()
    assert [p["signer_name"] for p in body["pending"]] == ["木村 一郎", "山田 花子"]
    assert body["signatures"] == [] and body["all_valid"] is False
    assert body["revision"] == 0

    assert flow.apply_signatures(case.pk) == 2
    body = clients["kacho"].get(url(case, "verification")).json()
    assert body["pending"] == []
    assert [s["signer_name"] for s in body["signatures"]] == ["木村 一郎", "山田 花子"]
    first, last = body["signatures"]
    assert first["capacity"] == "principal" and first["capacity_label"] == "本人"
    assert first["capacity_label_en"] == "In person"
    assert first["timestamp_at"] and first["timestamp_authority"]
    assert all(s["intact"] and s["valid"] and s["trusted"] for s in body["signatures"])
    assert (first["whole_file"], last["whole_file"]) == (False, True)
    assert body["all_valid"] is True and body["revision"] == 2

    pdf = clients["drafter"].get(url(case, "decision-pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Kiroku-SHA256"] == body["sha256"]
    assert pdf.content.startswith(b"%PDF")

    StampPreference.objects.create(user=city["bucho"], date_style="western_dotted")
    png = clients["bucho"].get(url(case, "stamp-preview") + "?action=decide")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    refused(
        clients["bucho"].get(url(case, "stamp-preview") + "?action=delete"),
        400,
        "invalid_parameter",
    )

    # Another department's staff: the same 404 as for a missing case, on all three.
    for what in ("verification", "decision-pdf", "stamp-preview"):
        hidden = clients["outsider"].get(url(case, what) + "?action=approve")
        body = refused(hidden, 404, "not_found")
    assert APIClient().get(url(case, "verification")).status_code in (401, 403)


def test_stamp_preview_draws_the_persons_stamp(named_city):
    from approvals.signing.api import preview_facts
    from approvals.signing.stamp import render_stamp_pdf

    city = named_city
    StampPreference.objects.create(user=city["bucho"], date_style="western_dotted")
    facts = preview_facts(city["bucho"], "proxy_decide")
    with pdfplumber.open(io.BytesIO(render_stamp_pdf(facts))) as pdf:
        text = "".join(pdf.pages[0].extract_text().split())
    assert "総務部" in text and "佐藤" in text and "代決" in text
    assert f"{facts.day.year}.{facts.day.month}.{facts.day.day}" in text


def test_setup_signing_is_idempotent_and_verify_signatures_reports(named_city):
    city = named_city
    out = io.StringIO()
    call_command("setup_signing", stdout=out)
    people = SigningIdentity.objects.count()
    assert people >= len([u for u in city.values() if getattr(u, "is_active", False)]), (
        out.getvalue()
    )
    labels = set(SigningIdentity.objects.values_list("key_label", flat=True))
    call_command("setup_signing", stdout=io.StringIO())
    assert set(SigningIdentity.objects.values_list("key_label", flat=True)) == labels

    case = five_signer_case(city)
    services.approve(case, user=city["kakaricho"])
    flow.apply_signatures(case.pk)
    report = io.StringIO()
    call_command("verify_signatures", str(case.pk), stdout=report)
    assert "OK" in report.getvalue() and "木村 一郎" in report.getvalue()
    with pytest.raises(CommandError):
        call_command("verify_signatures", str(case.pk + 999), stdout=io.StringIO())


def test_signing_health_probe_reports_token_and_tsa(named_city, settings):
    from approvals.signing.health import probe_signing

    result = probe_signing()
    assert result.status == "ok", result
    assert "SoftHSM" in result.version
    settings.KIROKU_SIGNING = {**settings.KIROKU_SIGNING, "TSA_URL": "http://127.0.0.1:1/tsa"}
    down = probe_signing()
    assert down.status == "degraded" and "127.0.0.1:1" in down.detail
    settings.KIROKU_SIGNING = {**settings.KIROKU_SIGNING, "TSA_URL": ""}
    assert probe_signing().backend == "off"


def test_schema_lists_the_signing_endpoints(db):
    schema = APIClient().get("/api/schema/?format=json").json()
    for what in ("verification", "decision-pdf", "stamp-preview"):
        assert f"/api/approvals/cases/{{id}}/{what}/" in schema["paths"], what


def test_each_person_sets_their_own_stamp_style(named_city):
    clients = Clients(named_city)
    path = "/api/approvals/stamp-preference/"
    assert clients["kacho"].get(path).json() == {
        "date_style": "era_letter",
        "personal_seal": False,
    }
    changed = clients["kacho"].put(
        path, {"date_style": "western_dotted", "personal_seal": True}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert StampPreference.objects.get(user=named_city["kacho"]).personal_seal is True
    assert clients["kakaricho"].get(path).json()["personal_seal"] is False  # only one's own
    wrong = clients["kacho"].put(path, {"date_style": "heisei"}, format="json")
    assert wrong.status_code == 400
