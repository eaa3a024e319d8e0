"""Extraction in the processing job with the registry, each value's source, a clerk's
confirmation or correction through the API, and what the next similar document gets from it."""

import datetime as dt

import pytest

from dms.counterparties.models import ExtractedValue, KnownCounterparty
from dms.documents.models import Document
from tests.counterparties.conftest import text_pdf
from tests.documents.conftest import named, run_jobs
from tests.documents.test_api import upload

pytestmark = pytest.mark.django_db


def invoice(issuer: str, *, number: str = "", total: str = "110,000") -> list[str]:
    """An invoice addressed to the city, issued by ``issuer`` (as OCR spelled it)."""
    lines = ["請求書", "湊川市長 様", "令和6年4月1日", issuer]
    lines += [f"登録番号 {number}"] if number else []
    return [*lines, "品名 数量 金額", "印刷代 1 100,000", "消費税 10,000", f"ご請求金額 {total}円"]


def processed(client, lines: list[str], **fields) -> dict:
    created = upload(client, text_pdf(lines), "scan.pdf", **fields)
    assert created.status_code == 201, created.json()
    run_jobs()
    document = client.get(f"/api/documents/{created.json()['id']}/").json()
    assert document["status"] == "ready", document["error"]
    return document


def extracted(client, document: dict) -> dict:
    response = client.get(f"/api/documents/{document['id']}/extracted/")
    assert response.status_code == 200
    return {row["field"]: row for row in response.json()}


def test_each_value_comes_with_its_source_and_the_city_is_never_the_counterparty(
    local_store, clients
):
    tanaka = clients["tanaka"]
    document = processed(tanaka, invoice("港北印刷株式会社"))
    assert document["metadata"] == {
        "document_date": "2024-04-01",
        "amount": 110000,
        "counterparty": "港北印刷株式会社",
    }
    values = extracted(tanaka, document)
    assert values["counterparty"]["source"] == "extracted"
    assert values["counterparty"]["line"] == 4
    assert values["counterparty"]["detail"].startswith("4行目から抽出")
    assert values["amount"] == values["amount"] | {"value": 110000, "read_as": "110,000円"}
    assert values["document_date"]["value"] == "2024-04-01"
    assert values["document_date"]["read_as"] == "令和6年4月1日"
    assert values["title"]["value"] == "請求書"
    assert values["document_type"]["source"] == "none"
    assert not any(row["confirmed"] for row in values.values())
    # 年度 from the document's own date (令和6年4月1日 → FY2024), not from the upload day
    assert Document.objects.get(pk=document["id"]).created_on == dt.date(2024, 4, 1)


def test_a_clerks_correction_makes_the_next_similar_documents_extraction_right(
    local_store, clients
):
    tanaka = clients["tanaka"]
    # OCR misread 刷 as 届 on the first scan, and バ as パ on a later one
    first = processed(tanaka, invoice("湊川ハーバー印届株式会社", number="T1234567890123"))
    assert first["metadata"]["counterparty"] == "湊川ハーバー印届株式会社"
    before = processed(tanaka, invoice("湊川ハーパー印刷株式会社"))
    assert before["metadata"]["counterparty"] == "湊川ハーパー印刷株式会社"  # wrong, as yet

    corrected = tanaka.post(
        f"/api/documents/{first['id']}/extracted/counterparty/correct/",
        {"value": "湊川ハーバー印刷株式会社"},
        format="json",
    )
    assert corrected.status_code == 200, corrected.json()
    assert corrected.json() | {"updated_at": None} == corrected.json() | {
        "value": "湊川ハーバー印刷株式会社",
        "source": "person",
        "confirmed": True,
        "updated_at": None,
    }
    assert tanaka.get(f"/api/documents/{first['id']}/").json()["metadata"]["counterparty"] == (
        "湊川ハーバー印刷株式会社"
    )
    entry = KnownCounterparty.objects.get()
    assert (entry.name, entry.aliases, entry.invoice_number) == (
        "湊川ハーバー印刷株式会社",
        ["湊川ハーバー印届株式会社"],
        "T1234567890123",
    )

    # the same misspelling as before resolves to the registry's name now
    after = processed(tanaka, invoice("湊川ハーパー印刷株式会社"))
    assert after["metadata"]["counterparty"] == "湊川ハーバー印刷株式会社"
    row = extracted(tanaka, after)["counterparty"]
    assert (row["source"], row["read_as"]) == ("registry_fuzzy", "湊川ハーパー印刷株式会社")
    # a name read beyond recognition, but the T番号 on the page says who issued it
    by_number = processed(tanaka, invoice("ミ十卜EP届株式会社", number="T1234567890123"))
    assert by_number["metadata"]["counterparty"] == "湊川ハーバー印刷株式会社"
    assert extracted(tanaka, by_number)["counterparty"]["source"] == "identifier"
    # the earlier document keeps what it was given (a person may correct it too)
    assert tanaka.get(f"/api/documents/{before['id']}/").json()["metadata"]["counterparty"] == (
        "湊川ハーパー印刷株式会社"
    )


def test_confirming_registers_the_counterparty_and_reprocessing_keeps_confirmed_values(
    local_store, clients
):
    tanaka = clients["tanaka"]
    document = processed(tanaka, invoice("海風商事株式会社"))
    confirmed = tanaka.post(f"/api/documents/{document['id']}/extracted/counterparty/confirm/")
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed"] is True
    assert confirmed.json()["source"] == "extracted"  # confirming keeps where it came from
    assert KnownCounterparty.objects.get().name == "海風商事株式会社"

    # a new version whose page says otherwise does not replace the confirmed value
    version = tanaka.post(
        f"/api/documents/{document['id']}/versions/",
        {"file": named(text_pdf(invoice("青葉建設株式会社", total="220,000")), "v2.pdf")},
        format="multipart",
    )
    assert version.status_code == 201, version.json()
    run_jobs()
    values = extracted(tanaka, document)
    assert (values["counterparty"]["value"], values["amount"]["value"]) == (
        "海風商事株式会社",
        220000,
    )
    assert values["counterparty"]["confirmed"] is True
    detail = tanaka.get(f"/api/documents/{document['id']}/").json()
    assert detail["metadata"]["counterparty"] == "海風商事株式会社"
    assert detail["metadata"]["amount"] == 220000


def test_a_corrected_document_type_is_learned_for_documents_titled_alike(
    local_store, clients, document_types
):
    tanaka = clients["tanaka"]
    first = processed(tanaka, invoice("港北印刷株式会社"))
    response = tanaka.post(
        f"/api/documents/{first['id']}/extracted/document_type/correct/",
        {"value": "invoice"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert tanaka.get(f"/api/documents/{first['id']}/").json()["document_type"] in (
        "invoice",
        {"code": "invoice", "name": "請求書", "name_en": "Invoice"},
    )
    second = processed(tanaka, invoice("青葉建設株式会社"))
    row = extracted(tanaka, second)["document_type"]
    assert (row["value"], row["source"]) == ("invoice", "learned")


def test_refusals_other_departments_bad_values_and_unknown_fields(local_store, clients):
    tanaka, suzuki = clients["tanaka"], clients["suzuki"]
    document = processed(tanaka, invoice("港北印刷株式会社"))
    base = f"/api/documents/{document['id']}/extracted/"
    # 契約課 (another bureau) neither sees nor changes 文書課's document
    assert suzuki.get(base).status_code == 404
    assert suzuki.post(f"{base}counterparty/confirm/").status_code == 404
    refused = suzuki.post(f"{base}amount/correct/", {"value": 1}, format="json")
    assert refused.status_code == 404
    assert clients["records"].get(base).status_code == 200  # the records officer sees all

    bad = tanaka.post(f"{base}amount/correct/", {"value": "百円"}, format="json")
    assert bad.status_code == 400
    assert "amount" in bad.json()
    unknown = tanaka.post(f"{base}department/correct/", {"value": "x"}, format="json")
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_field")
    nothing = tanaka.post(f"{base}document_type/confirm/")
    assert (nothing.status_code, nothing.json()["error"]) == (404, "no_extracted_value")
    assert Document.objects.get(pk=document["id"]).amount == 110000
    assert not ExtractedValue.objects.filter(confirmed=True).exists()


def test_a_typed_title_is_never_replaced_by_the_extracted_one(local_store, clients):
    document = processed(clients["tanaka"], invoice("港北印刷株式会社"), title="4月分印刷代")
    assert document["title"] == "4月分印刷代"
    untitled = processed(clients["tanaka"], invoice("港北印刷株式会社"))
    assert untitled["title"] == "請求書"


def test_the_fiscal_year_date_follows_the_document_date_until_a_person_sets_it(
    local_store, clients
):
    tanaka = clients["tanaka"]
    document = processed(tanaka, invoice("港北印刷株式会社"))
    url = f"/api/documents/{document['id']}/"
    assert tanaka.patch(url, {"document_date": "2025-03-31"}, format="json").status_code == 200
    stored = Document.objects.get(pk=document["id"])
    assert stored.created_on == dt.date(2025, 3, 31)  # 令和6年度, as its date says
    assert tanaka.patch(url, {"created_on": "2025-04-02"}, format="json").status_code == 200
    assert tanaka.patch(url, {"document_date": "2025-01-10"}, format="json").status_code == 200
    stored.refresh_from_db()
    assert (stored.created_on, stored.document_date) == (dt.date(2025, 4, 2), dt.date(2025, 1, 10))


def test_a_type_chosen_at_upload_is_not_replaced_by_a_learned_one(
    local_store, clients, document_types
):
    tanaka = clients["tanaka"]
    first = processed(tanaka, invoice("港北印刷株式会社"))
    tanaka.post(
        f"/api/documents/{first['id']}/extracted/document_type/correct/",
        {"value": "invoice"},
        format="json",
    )
    chosen = processed(tanaka, invoice("港北印刷株式会社"), document_type="contract")
    assert Document.objects.get(pk=chosen["id"]).document_type.code == "contract"
