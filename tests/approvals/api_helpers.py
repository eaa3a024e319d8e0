"""Helpers for the approvals API tests: a token client per person of the test city."""

from __future__ import annotations

import re

from tests.documents.conftest import client_for

JAPANESE = re.compile(r"[ぁ-んァ-ヶ一-龠]")


class Clients(dict):
    """An API client per person of the ``city`` fixture, made on first use."""

    def __init__(self, city):
        super().__init__()
        self.city = city

    def __missing__(self, name):
        self[name] = client_for(self.city[name])
        return self[name]


def refused(response, status: int, code: str) -> dict:
    """The response is the refusal ``code`` with ``status``, in Japanese and English."""
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert body["error"] == code, body
    assert JAPANESE.search(body["message"]), body
    assert re.search(r"[A-Za-z]{3}", body["message_en"] or ""), body
    return body


def act(client, case_id: int, action: str, key: str | None = None, **data):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"/api/approvals/cases/{case_id}/actions/{action}/", data, format="json", **headers
    )
