"""The counterparty registry through the API: list, create, edit, aliases, merge, and the
refusals (anonymous, duplicates by folded name, malformed numbers, merge by a clerk)."""

import pytest
from rest_framework.test import APIClient

from dms.counterparties.models import KnownCounterparty

pytestmark = pytest.mark.django_db

URL = "/api/counterparties/"


def test_a_clerk_registers_edits_and_finds_a_counterparty(clients):
    tanaka = clients["tanaka"]
    created = tanaka.post(
        URL,
        {"name": "㈱みなと印刷", "invoice_number": "T1234567890123", "aliases": ["みなと印刷"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    entry = created.json()
    assert entry["key"] == KnownCounterparty.objects.get().key
    assert entry["aliases"] == ["みなと印刷"]

    edited = tanaka.patch(
        f"{URL}{entry['id']}/",
        {"aliases": ["みなと印刷", "ミナト印刷"], "corporate_number": "1234567890123"},
        format="json",
    )
    assert edited.status_code == 200
    assert edited.json()["aliases"] == ["みなと印刷", "ミナト印刷"]
    assert edited.json()["corporate_number"] == "1234567890123"

    # 株式会社 and ㈱ fold to the same key: the search finds it either way
    found = tanaka.get(URL, {"q": "株式会社みなと印刷"}).json()
    assert [row["id"] for row in found["results"]] == [entry["id"]]
    assert tanaka.get(URL, {"q": "T1234567890123"}).json()["results"][0]["id"] == entry["id"]
    assert tanaka.get(URL, {"q": "海風商事"}).json()["results"] == []


def test_the_registry_refuses_duplicates_and_malformed_numbers(clients):
    tanaka = clients["tanaka"]
    assert tanaka.post(URL, {"name": "株式会社みなと印刷"}, format="json").status_code == 201
    duplicate = tanaka.post(URL, {"name": "（株）みなと印刷"}, format="json")
    assert duplicate.status_code == 409
    assert duplicate.json()["error"] == "counterparty_exists"
    assert duplicate.json()["message"].startswith("（株）みなと印刷 は登録済み")
    assert duplicate.json()["message_en"]

    other = tanaka.post(URL, {"name": "海風商事株式会社"}, format="json").json()
    renamed = tanaka.patch(f"{URL}{other['id']}/", {"name": "㈱みなと印刷"}, format="json")
    assert renamed.status_code == 409

    for field, value in [("invoice_number", "1234567890123"), ("corporate_number", "12345")]:
        bad = tanaka.post(URL, {"name": "青葉建設株式会社", field: value}, format="json")
        assert bad.status_code == 400, (field, bad.json())
        assert field in bad.json()
    assert KnownCounterparty.objects.count() == 2


def test_an_anonymous_caller_is_refused(org):
    assert APIClient().get(URL).status_code in (401, 403)
    assert APIClient().post(URL, {"name": "x株式会社"}, format="json").status_code in (401, 403)


def test_a_records_officer_merges_duplicates_and_a_clerk_may_not(clients):
    target = KnownCounterparty.objects.create(name="株式会社みなと印刷", aliases=["みなと印刷"])
    duplicate = KnownCounterparty.objects.create(
        name="ミナト印刷株式会社", invoice_number="T1234567890123", aliases=["ミナト印刷"]
    )
    refused = clients["tanaka"].post(
        f"{URL}{target.pk}/merge/", {"merge_ids": [duplicate.pk]}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == "not_allowed"
    assert KnownCounterparty.objects.count() == 2

    nothing = clients["records"].post(
        f"{URL}{target.pk}/merge/", {"merge_ids": [target.pk]}, format="json"
    )
    assert nothing.status_code == 400
    assert nothing.json()["error"] == "nothing_to_merge"

    merged = clients["records"].post(
        f"{URL}{target.pk}/merge/", {"merge_ids": [duplicate.pk]}, format="json"
    )
    assert merged.status_code == 200
    assert merged.json()["aliases"] == ["みなと印刷", "ミナト印刷株式会社", "ミナト印刷"]
    assert merged.json()["invoice_number"] == "T1234567890123"
    assert list(KnownCounterparty.objects.values_list("pk", flat=True)) == [target.pk]


def test_the_registry_is_in_the_api_schema(clients):
    schema = clients["tanaka"].get("/api/schema/", {"format": "json"}).json()
    assert "/api/counterparties/{id}/merge/" in schema["paths"]
    assert "/api/documents/{document_id}/extracted/{field}/correct/" in schema["paths"]
