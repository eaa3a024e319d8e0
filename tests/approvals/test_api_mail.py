"""E-mail from the approvals API: a task opening for someone, a case returned to its
drafter, a case decided. Sent after the action's transaction commits (locmem backend in
tests), Japanese with an English part; a mail server that is down never fails an action."""

import socket

import pytest
from django.core import mail

from approvals.models import CaseEvent
from tests.approvals.api_helpers import Clients, act

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "drafter": "tanaka@city.example.jp",
    "kakaricho": "kimura@city.example.jp",
    "kacho": "yamada@city.example.jp",
    "bucho": "sato@city.example.jp",
}


@pytest.fixture
def clients(city):
    for name, address in ADDRESSES.items():
        city[name].email = address
        city[name].save(update_fields=["email"])
    return Clients(city)


@pytest.fixture
def case_id(city):
    return city.case(title="庁用備品の購入について", amount=2_000_000).pk  # 係長・課長・部長


def test_the_next_approver_is_mailed_when_their_task_opens(
    city, clients, case_id, settings, django_capture_on_commit_callbacks
):
    settings.KIROKU_BASE_URL = "https://kiroku.city.example.jp/"
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        assert act(clients["drafter"], case_id, "submit").status_code == 200
    assert waiting and mail.outbox == []  # nothing before the transaction has committed
    for callback in waiting:
        callback()
    (message,) = mail.outbox
    assert message.to == [ADDRESSES["kakaricho"]]
    assert message.subject == ("[Kiroku] 承認依頼: 庁用備品の購入について / Request for approval")
    assert "が承認を待っています" in message.body
    assert "is waiting for your approval" in message.body
    assert f"https://kiroku.city.example.jp/approvals/cases/{case_id}\n" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        act(clients["kakaricho"], case_id, "approve", key="k1")
        act(clients["kakaricho"], case_id, "approve", key="k1")  # a retry mails nothing
    assert [m.to for m in mail.outbox[1:]] == [[ADDRESSES["kacho"]]]


def test_the_drafter_is_mailed_on_return_and_on_decision(
    city, clients, case_id, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(clients["drafter"], case_id, "submit")
        act(clients["kakaricho"], case_id, "return", comment="数量を確認してください")
    returned = mail.outbox[-1]
    assert returned.to == [ADDRESSES["drafter"]]
    assert (
        returned.subject.startswith("[Kiroku] 差戻し: ") and "Returned to you" in returned.subject
    )
    assert "数量を確認してください" in returned.body and "was returned by" in returned.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(clients["drafter"], case_id, "submit")
        act(clients["kakaricho"], case_id, "approve")
        act(clients["kacho"], case_id, "approve")
        act(clients["bucho"], case_id, "decide", comment="了承")
    assert [m.to[0] for m in mail.outbox] == [
        ADDRESSES["kakaricho"],
        ADDRESSES["kacho"],
        ADDRESSES["bucho"],
        ADDRESSES["drafter"],
    ]
    decided = mail.outbox[-1]
    assert decided.subject == "[Kiroku] 決裁: 庁用備品の購入について / Decided"
    assert "決裁されました" in decided.body and "was decided" in decided.body
    assert "了承" in decided.body


def test_people_without_an_address_get_no_mail(city, case_id, django_capture_on_commit_callbacks):
    people = Clients(city)  # nobody has an address here
    with django_capture_on_commit_callbacks(execute=True):
        assert act(people["drafter"], case_id, "submit").status_code == 200
    assert mail.outbox == []


def test_a_mail_server_that_is_down_never_fails_the_action(
    city, clients, case_id, settings, django_capture_on_commit_callbacks, caplog
):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with django_capture_on_commit_callbacks(execute=True):
        response = act(clients["drafter"], case_id, "submit")
    assert response.status_code == 200 and response.json()["case"]["state"] == "in_route"
    assert CaseEvent.objects.filter(case_id=case_id, action="submit").exists()
    assert "approval mail to kimura@city.example.jp" in caplog.text
