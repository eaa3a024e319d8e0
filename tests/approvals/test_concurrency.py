"""Two people acting on the same step at once, on PostgreSQL: one wins, the other gets
409 with the current state; a retried request with the same key records nothing twice."""

import threading

import pytest
from django.db import connection

from approvals import services
from approvals.errors import ApprovalError
from approvals.models import Case, CaseEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls):
    """Run each call in its own thread (its own connection), released together."""
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
def submitted(city):
    if connection.vendor != "postgresql":
        pytest.fail("this test runs on PostgreSQL: set DATABASE_URL (make test does)")
    case = city.case()
    services.submit(case, user=city["drafter"])
    return case


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_a_double_approval_records_one(city, submitted):
    outcomes = at_once(
        lambda: services.approve(fresh(submitted), user=city["kakaricho"], idempotency_key="a"),
        lambda: services.approve(fresh(submitted), user=city["kakaricho"], idempotency_key="b"),
    )
    errors = [o for o in outcomes if isinstance(o, ApprovalError)]
    assert len(errors) == 1, outcomes
    assert (errors[0].code, errors[0].status_code) == ("already_done", 409)
    assert errors[0].extra["case_state"] == "in_route"
    assert CaseEvent.objects.filter(case=submitted, action="approve").count() == 1


def test_a_retried_request_with_the_same_key_returns_the_first_result(city, submitted):
    outcomes = at_once(
        *[lambda: services.approve(fresh(submitted), user=city["kakaricho"], idempotency_key="k")]
        * 3
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(o.replayed for o in outcomes) == [False, True, True]
    assert all(o.result == outcomes[0].result for o in outcomes)
    assert CaseEvent.objects.filter(case=submitted, action="approve").count() == 1


def test_an_approval_and_a_return_at_once(city, submitted):
    outcomes = at_once(
        lambda: services.approve(fresh(submitted), user=city["kakaricho"]),
        lambda: services.return_case(fresh(submitted), user=city["kakaricho"], comment="再考"),
    )
    errors = [o for o in outcomes if isinstance(o, ApprovalError)]
    assert len(errors) == 1 and errors[0].status_code == 409, outcomes
    case = fresh(submitted)
    assert errors[0].code == ("already_done" if case.state == "in_route" else "state_conflict")
    assert errors[0].extra == {"case_state": case.state, "case_revision": case.revision}
