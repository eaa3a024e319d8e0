"""所管換 and an index that is behind: count, facets and hits never reveal a document the
database refuses, on every backend.

A section moved to another bureau is out of its old bureau's reach at once (the engine
limits department principals to the current tree), and its documents are re-indexed by
the jobs ``move_department`` queues. When the index is behind for single documents, a page
with a refused hit (or an empty page of a non-zero count) makes search check every match
in the database before it answers any number. (Not covered: a page that vouches for its
count while a document moved off that page is not re-indexed yet; see search.service.)
"""

from __future__ import annotations

import pytest

from dms.accounts.models import Department, Role, User
from dms.accounts.services import move_department
from search import service
from search.backends.base import Principals, SearchRequest
from search.query import parse
from tests.documents.conftest import client_for
from tests.search import test_api
from tests.search.conftest import doc
from tests.search.helpers import change, make_document, run_jobs

TERM = "所管換検証"

engine = test_api.engine  # the fixture: settings.SEARCH on each backend
search = test_api.search


def refreshed(backend) -> None:
    run_jobs()
    backend.refresh()


def body(client, **params) -> dict:
    response = search(client, **{"q": TERM, **params})
    assert response.status_code == 200, response.json()
    return response.json()


def assert_reveals_nothing(answer: dict) -> None:
    assert answer["results"] == []
    assert answer["count"] == 0
    assert all(buckets == [] for buckets in answer["facets"].values()), answer["facets"]


@pytest.fixture
def people(org):
    def member(name, code, role=Role.STAFF):
        person = User.objects.create_user(name, password="kiroku-test-pw", role=role)
        if code:
            person.departments.add(Department.objects.get(code=code))
        return person

    return {
        "old_bureau": member("soumu-kyoku", "soumu"),  # 総務局: 文書課 was below it
        "new_bureau": member("zaisei-kyoku", "zaisei"),  # 財政局: 文書課 moves below it
        "admin": member("kanri", None, Role.ADMINISTRATOR),
    }


@pytest.mark.django_db
def test_a_moved_section_leaks_nothing_to_its_old_bureau(engine, org, people):
    moved = [make_document(org, f"{TERM} 文書{i}", "本文") for i in range(23)]
    own = make_document(org, f"{TERM} 局の文書", "本文", department=org["soumu_bu"].parent)
    refreshed(engine)
    old_bureau, new_bureau = client_for(people["old_bureau"]), client_for(people["new_bureau"])
    assert body(old_bureau)["count"] == 24
    assert_reveals_nothing(body(new_bureau))

    # 文書課 moves under 財政局; its documents are not re-indexed yet.
    move_department(org["bunsho"], org["keiyaku"].parent, user=people["admin"])
    answer = body(old_bureau)
    assert [hit["id"] for hit in answer["results"]] == [own.pk]
    assert answer["count"] == 1 and answer["count_exact"] is True
    assert answer["facets"]["department"] == [
        {"id": own.department_id, "name": "総務局", "count": 1}
    ]
    assert sum(b["count"] for b in answer["facets"]["fiscal_year"]) == 1
    # the own document first, on a page of one: the count still says one
    assert body(old_bureau, page_size=1, sort="date")["count"] == 1
    assert body(old_bureau, page=2)["count"] == 1  # a page past the end
    assert_reveals_nothing(body(old_bureau, department=org["bunsho"].pk))
    assert_reveals_nothing(body(client_for(org["sato"])))  # 総務部, also above it before

    # After the move's jobs ran, the new bureau finds them, by its own department too.
    refreshed(engine)
    answer = body(new_bureau)
    assert answer["count"] == 23 and len(answer["results"]) == 20
    assert {hit["id"] for hit in answer["results"]} <= {d.pk for d in moved}
    assert answer["facets"]["department"] == [
        {"id": org["bunsho"].pk, "name": "文書課", "count": 23}
    ]
    assert body(new_bureau, department=org["keiyaku"].parent.pk)["count"] == 23
    assert body(old_bureau)["count"] == 1
    assert body(client_for(org["tanaka"]))["count"] == 23  # the section itself, throughout


@pytest.mark.django_db
def test_documents_the_index_has_not_caught_up_with_are_never_counted(engine, org, clients):
    hidden = [make_document(org, f"{TERM} 移る文書{i}", "本文") for i in range(25)]
    kept = [
        make_document(org, f"{TERM} 残る文書{i}", "本文", document_type="notice") for i in range(3)
    ]
    refreshed(engine)
    for document in hidden:  # each moves to 契約課; the index jobs have not run
        change(document, department=org["keiyaku"])
    tanaka = clients["tanaka"]

    answer = body(tanaka)
    assert answer["count"] == 3 and answer["count_exact"] is True
    assert sorted(hit["id"] for hit in answer["results"]) == sorted(d.pk for d in kept)
    assert answer["facets"]["department"] == [
        {"id": org["bunsho"].pk, "name": "文書課", "count": 3}
    ]
    assert [(b["code"], b["count"]) for b in answer["facets"]["document_type"]] == [("notice", 3)]
    # A refused hit on a later page: the page is filled again without it.
    answer = body(tanaka, page_size=2, page=2)
    assert answer["count"] == 3 and [hit["id"] for hit in answer["results"]] == [kept[0].pk]
    assert body(tanaka, page=99)["count"] == 3  # nothing checked on the page, still exact
    # only hidden documents match: an empty page that says nothing
    assert_reveals_nothing(body(tanaka, q=f"{TERM} 移る文書"))
    assert_reveals_nothing(body(tanaka, q=f"{TERM} 移る文書", page=5))

    refreshed(engine)
    assert body(tanaka, page_size=2)["count"] == 3
    assert body(clients["suzuki"])["count"] == 25


@pytest.mark.django_db
def test_with_more_matches_than_can_be_checked_the_count_is_a_lower_bound(
    engine, org, clients, monkeypatch
):
    hidden = [make_document(org, f"{TERM} 移る文書{i}", "本文") for i in range(6)]
    kept = [make_document(org, f"{TERM} 残る文書{i}", "本文") for i in range(2)]
    refreshed(engine)
    for document in hidden:
        change(document, department=org["keiyaku"])
    monkeypatch.setattr(service, "VERIFY_LIMIT", 5)
    answer = body(clients["tanaka"], page_size=3)
    assert answer["count_exact"] is False
    assert answer["count"] <= len(kept)
    assert {hit["id"] for hit in answer["results"]} <= {d.pk for d in kept}
    departments = answer["facets"]["department"]
    assert [bucket["id"] for bucket in departments] in ([], [org["bunsho"].pk])
    assert sum(bucket["count"] for bucket in departments) == answer["count"]


# --- the engine's part, on every backend (contract) ---------------------------------------


@pytest.fixture(scope="module")
def tree(backend):
    """Section 3 was under division 2 and bureau 1 when indexed; it now belongs elsewhere."""
    entries = [
        doc(31, "所管換の契約", department_id=3, allowed_departments=(1, 2, 3)),
        doc(32, "所管換の台帳", department_id=2, allowed_departments=(1, 2)),
        doc(33, "所管換の共有", department_id=3, allowed_departments=(1, 2, 3), allowed_users=(9,)),
    ]
    assert backend.bulk(entries).errors == []
    backend.refresh()
    return backend


def matches(backend, **kwargs):
    return backend.search(SearchRequest(query=parse("所管換"), **kwargs))


def test_department_scope_keeps_stale_chains_out_of_hits_count_and_facets(tree):
    bureau = Principals(user_id=8, departments=(1,), department_scope=(1, 2))
    response = matches(tree, principals=bureau)
    assert [hit.id for hit in response.hits] == [32] and response.count == 1
    assert response.facets["department"] == {"2": 1}
    unlimited = Principals(user_id=8, departments=(1,))
    assert matches(tree, principals=unlimited).count == 3
    shared = Principals(user_id=9, departments=(), department_scope=())
    assert [hit.id for hit in matches(tree, principals=shared).hits] == [33]


def test_excluded_ids_leave_hits_count_and_facets(tree):
    response = matches(tree, exclude_ids=(31, 33))
    assert [hit.id for hit in response.hits] == [32] and response.count == 1
    assert response.facets["department"] == {"2": 1}
