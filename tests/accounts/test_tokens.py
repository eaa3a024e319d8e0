"""API tokens expire, are stored only as hashes, and end at logout and password change."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from dms.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def issue(username="tanaka", password="kiroku-test-pw") -> str:
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    return with_token(token).get("/api/auth/me/").status_code == 200


def test_a_token_is_stored_as_a_hash_and_has_an_expiry(org, settings):
    before = timezone.now()
    token = issue()
    (stored,) = AuthToken.objects.filter(user=org["tanaka"])
    assert token not in {stored.digest, stored.token_key}
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    assert before + ttl <= stored.expiry <= timezone.now() + ttl
    assert works(token)


def test_an_expired_token_is_refused(org):
    token = issue()
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    refused = with_token(token).get("/api/auth/me/")
    assert refused.status_code in (401, 403)
    assert refused.json()["error"] == "authentication_failed"
    assert not AuthToken.objects.exists()


def test_logout_with_a_token_revokes_it(org):
    token, other = issue(), issue()
    assert with_token(token).post("/api/auth/logout/").status_code == 204
    assert not works(token)
    assert works(other)  # another client's token is not this logout's business


def test_a_password_change_revokes_every_token(org):
    tokens = [issue(), issue()]
    user = org["tanaka"]
    user.set_password("a-new-password-2026")
    user.save()
    assert not any(works(token) for token in tokens)
    assert AuditEntry.objects.filter(
        action="token_revoke_all", details__reason="password_changed"
    ).exists()


def test_a_password_change_ends_sessions_too(org):
    client = APIClient()
    client.force_login(org["tanaka"])
    assert client.get("/api/auth/me/").status_code == 200
    org["tanaka"].set_password("a-new-password-2026")
    org["tanaka"].save()
    assert client.get("/api/auth/me/").status_code in (401, 403)


def test_other_saves_of_the_user_keep_the_tokens(org):
    token = issue()
    org["tanaka"].display_name = "田中 一郎"
    org["tanaka"].save()
    assert works(token)


def test_a_user_lists_and_revokes_their_tokens(org):
    token, other = issue(), issue()
    suzukis = issue("suzuki")
    client = with_token(token)
    listed = client.get("/api/auth/tokens/").json()
    assert len(listed) == 2
    assert {row["current"] for row in listed} == {True, False}
    assert all(token not in str(row) and other not in str(row) for row in listed)
    other_key = next(row["token_key"] for row in listed if not row["current"])
    assert other.startswith(other_key)
    # someone else's token is not found by its key
    suzuki_key = AuthToken.objects.get(user__username="suzuki").token_key
    assert client.delete(f"/api/auth/tokens/{suzuki_key}/").status_code == 404
    assert works(suzukis)
    assert client.delete(f"/api/auth/tokens/{other_key}/").status_code == 204
    assert not works(other) and works(token)
    assert client.delete("/api/auth/tokens/").status_code == 204
    assert not works(token)


def test_the_web_app_session_revokes_tokens_with_csrf(org):
    token = issue()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(org["tanaka"])
    key = client.get("/api/auth/tokens/").json()[0]["token_key"]
    assert client.delete(f"/api/auth/tokens/{key}/").status_code == 403  # no CSRF token
    client.get("/api/auth/me/")
    csrf = client.cookies["csrftoken"].value
    assert client.delete(f"/api/auth/tokens/{key}/", HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert not works(token)


def test_rotation_replaces_the_token(org):
    token = issue()
    rotated = with_token(token).post("/api/auth/tokens/rotate/")
    assert rotated.status_code == 200
    new = rotated.json()["token"]
    assert new != token and works(new) and not works(token)
    session = APIClient()
    session.force_login(org["tanaka"])
    assert session.post("/api/auth/tokens/rotate/").json()["error"] == "token_required"


def test_the_number_of_tokens_is_limited(org, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    issue(), issue()
    refused = APIClient().post(
        "/api/auth/token/", {"username": "tanaka", "password": "kiroku-test-pw"}, format="json"
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "too_many_tokens"
