"""Password guessing is limited per user name and per address, answered 429, and audited."""

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from rest_framework.test import APIClient

from dms.accounts.models import LoginFailure
from dms.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

RIGHT = "kiroku-test-pw"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_LIMITS = {"PER_USER": 5, "PER_ADDRESS": 20, "WINDOW_SECONDS": 900}


def csrf_client(address="198.51.100.7") -> APIClient:
    client = APIClient(enforce_csrf_checks=True, REMOTE_ADDR=address)
    client.get("/api/auth/csrf/")
    return client


def session_login(client, username, password):
    """As the web app does: the CSRF header from the current cookie (a login rotates it)."""
    csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(
        "/api/auth/login/",
        {"username": username, "password": password},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )


def token_login(client, username, password):
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


@pytest.mark.parametrize("login", [session_login, token_login], ids=["session", "token"])
def test_25_wrong_passwords_then_the_right_one_are_refused_with_429(org, login):
    client = csrf_client()
    answers = [login(client, "tanaka", f"guess-{n}").status_code for n in range(25)]
    assert answers[:5] == [400] * 5
    assert set(answers[5:]) == {429}
    right = login(client, "tanaka", RIGHT)
    assert right.status_code == 429  # the password is not even checked any more
    body = right.json()
    assert body["error"] == "login_throttled"
    assert "ログイン" in body["message"] and "sign-in" in body["message_en"]
    assert 0 < int(right["Retry-After"]) <= 900
    assert body["retry_after"] == int(right["Retry-After"])


def test_the_limit_per_user_holds_from_any_address(org):
    for n in range(5):
        assert session_login(csrf_client(f"203.0.113.{n}"), "tanaka", "x").status_code == 400
    assert session_login(csrf_client("203.0.113.99"), "tanaka", RIGHT).status_code == 429
    # another user is not affected
    assert session_login(csrf_client("203.0.113.99"), "suzuki", RIGHT).status_code == 200


def test_the_limit_per_address_holds_across_user_names(org):
    client = csrf_client("192.0.2.50")
    for n in range(20):
        assert session_login(client, f"nobody-{n}", "x").status_code == 400
    assert session_login(client, "suzuki", RIGHT).status_code == 429
    assert session_login(csrf_client("192.0.2.51"), "suzuki", RIGHT).status_code == 200


def test_the_window_passes_and_a_right_password_does_not_count(org):
    client = csrf_client()
    for _ in range(4):
        session_login(client, "tanaka", "x")
    assert session_login(client, "tanaka", RIGHT).status_code == 200  # not counted
    assert session_login(client, "tanaka", "x").status_code == 400  # the fifth failure
    assert session_login(client, "tanaka", RIGHT).status_code == 429
    LoginFailure.objects.update(at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))  # window over
    assert session_login(client, "tanaka", RIGHT).status_code == 200
    assert not LoginFailure.objects.exists()  # old rows are swept as attempts come


def test_the_counter_lives_in_the_database_shared_by_every_process(org):
    """Counted rows, not a per-process cache: another process sees the same count."""
    client = csrf_client("198.51.100.9")
    session_login(client, "tanaka", "x")
    assert set(LoginFailure.objects.values_list("key", flat=True)) == {
        "user:tanaka",
        "address:198.51.100.9",
    }


def test_attempts_are_audited_against_the_user(org):
    client = csrf_client()
    for _ in range(6):
        session_login(client, "tanaka", "x")
    token_login(csrf_client("198.51.100.8"), "suzuki", RIGHT)
    entries = AuditEntry.objects.filter(action="login")
    tanaka = [
        (e.outcome, e.details.get("reason")) for e in entries.filter(target_id=org["tanaka"].pk)
    ]
    assert tanaka == [("refused", "invalid_credentials")] * 5 + [("refused", "throttled")]
    assert {e.actor for e in entries.filter(target_id=org["tanaka"].pk)} == {"anonymous"}
    assert entries.get(target_id=org["suzuki"].pk).outcome == "done"
    assert entries.filter(target_type="user").count() == entries.count()


def test_unknown_user_names_count_but_are_not_kept_in_the_audit_trail(org):
    session_login(csrf_client(), "my-secret-password-typed-as-name", "x")
    assert not AuditEntry.objects.filter(action="login").exists()
    assert LoginFailure.objects.filter(key="user:my-secret-password-typed-as-name").exists()


def test_the_admin_login_is_limited_too(org):
    """Any password check that comes with a request goes through the guarded backend."""
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="192.0.2.77")
    for _ in range(5):
        assert authenticate(request, username="tanaka", password="x") is None
    assert authenticate(request, username="tanaka", password=RIGHT) is None
    assert AuditEntry.objects.filter(action="login", details__reason="throttled").exists()


def test_session_login_needs_the_csrf_token(org):
    """Login CSRF: another site must not be able to sign a visitor in as someone else."""
    client = APIClient(enforce_csrf_checks=True)
    refused = session_login(client, "tanaka", RIGHT)
    assert refused.status_code == 403
    assert refused.json()["error"] == "csrf_failed"
    assert "sessionid" not in client.cookies
    assert session_login(csrf_client(), "tanaka", RIGHT).status_code == 200
