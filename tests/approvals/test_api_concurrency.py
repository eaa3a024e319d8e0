"""Two requests on the same step at once, over HTTP on PostgreSQL: one wins, the other
gets 409 with the case's current state; a retried request with the same key is answered
with the first result and records nothing twice."""

import threading

import pytest
from django.db import connection

from approvals import services
from approvals.models import CaseEvent
from tests.approvals.api_helpers import Clients, act

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls):
    """Each call in its own thread (its own database connection), released together."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # reported to the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def case(city):
    if connection.vendor != "postgresql":
        pytest.fail("this test runs on PostgreSQL: set DATABASE_URL (make test does)")
    case = city.case()
    services.submit(case, user=city["drafter"])
    return case


def test_two_approvers_clicking_at_once_record_one_approval(city, case):
    clients = [Clients(city)["kakaricho"], Clients(city)["kakaricho"]]
    outcomes = at_once(
        lambda: act(clients[0], case.pk, "approve", key="tab-1"),
        lambda: act(clients[1], case.pk, "approve", key="tab-2"),
    )
    statuses = sorted(response.status_code for response in outcomes)
    assert statuses == [200, 409], [r.content for r in outcomes]
    lost = next(r for r in outcomes if r.status_code == 409).json()
    assert lost["error"] == "already_done" and lost["message"] and lost["message_en"]
    assert lost["case_state"] == "in_route" and lost["case_revision"] == case.revision + 1
    assert CaseEvent.objects.filter(case=case, action="approve").count() == 1


def test_a_decision_and_a_return_at_once(city, case):
    services.approve(case, user=city["kakaricho"])
    people = Clients(city)
    outcomes = at_once(
        lambda: act(people["kacho"], case.pk, "decide"),
        lambda: act(Clients(city)["kacho"], case.pk, "return", comment="再考"),
    )
    assert sorted(r.status_code for r in outcomes) == [200, 409], [r.content for r in outcomes]
    winner = next(r for r in outcomes if r.status_code == 200).json()["case"]
    lost = next(r for r in outcomes if r.status_code == 409).json()
    assert lost["case_state"] == winner["state"] and lost["case_revision"] == winner["revision"]


def test_a_retried_request_with_the_same_key_is_recorded_once(city, case):
    outcomes = at_once(
        *[lambda: act(Clients(city)["kakaricho"], case.pk, "approve", key="retry-1")] * 3
    )
    assert [r.status_code for r in outcomes] == [200, 200, 200], [r.content for r in outcomes]
    bodies = [r.json() for r in outcomes]
    assert sorted(b["replayed"] for b in bodies) == [False, True, True]
    assert len({b["event"] for b in bodies}) == 1
    assert CaseEvent.objects.filter(case=case, action="approve").count() == 1
