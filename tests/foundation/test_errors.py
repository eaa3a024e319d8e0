"""One error body for every API error, in Japanese and English; one translation mechanism."""

import re
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from dms.accounts.models import User
from dms.errors import ApiError, InvalidParameter, api_exception_handler

ROOT = Path(__file__).resolve().parents[2]


def assert_error_body(body: dict, code: str) -> None:
    assert body["error"] == code
    assert body["message"] and body["message_en"]
    assert re.search(r"[ぁ-んァ-ヶ一-龠]", body["message"]), body["message"]
    assert body["message_en"].isascii(), body["message_en"]


def test_an_api_error_renders_its_code_messages_status_and_extras():
    response = api_exception_handler(InvalidParameter("amount_min", "金額が不正です。", "Bad."), {})
    assert response.status_code == 400
    assert response.data == {
        "error": "invalid_parameter",
        "message": "金額が不正です。",
        "message_en": "Bad.",
        "field": "amount_min",
    }
    conflict = api_exception_handler(ApiError("busy", "処理中です。", "Busy.", 409), {})
    assert conflict.status_code == 409


@pytest.mark.django_db
def test_drf_and_django_errors_use_the_same_body():
    anonymous = APIClient()
    refused = anonymous.get("/api/documents/")
    assert refused.status_code in (401, 403)
    assert_error_body(refused.json(), "not_authenticated")

    user = User.objects.create_user("errors", password="kiroku-test-pw")
    client = APIClient()
    client.force_authenticate(user)
    assert_error_body(client.get("/api/documents/999999/").json(), "not_found")
    assert_error_body(client.get("/api/documents/abc/").json(), "not_found")
    not_allowed = client.put("/api/documents/", {}, format="json")
    assert not_allowed.status_code == 405
    assert_error_body(not_allowed.json(), "method_not_allowed")
    malformed = client.post("/api/auth/login/", data="{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert_error_body(malformed.json(), "malformed_request")


@pytest.mark.django_db
def test_serializer_errors_keep_their_fields_beside_the_summary():
    user = User.objects.create_user("fields", password="kiroku-test-pw")
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/documents/?amount_min=abc")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert "amount_min" in body and "amount_min" in body["message_en"]
    assert body["message"]


def test_messages_are_ja_en_pairs_not_gettext():
    """The API answers in both languages at once; no gettext catalogue is kept beside it."""
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("dms", "search", "ocr", "approvals", "retention")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and re.search(
            r"from django\.utils\.translation import|\bgettext(_lazy)?\(", path.read_text()
        )
    ]
    assert offenders == []


def test_the_openapi_schema_generates_without_warnings():
    """Every parameter and body typed: drf-spectacular fails on the first warning."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0 and "Warning" not in run.stderr, run.stderr[-2000:]
