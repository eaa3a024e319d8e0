"""所管換: moving a department goes through one audited service, and every document whose
visibility depends on the moved department gets a change event, in chunked jobs."""

import pytest
from django.core.management import CommandError, call_command

from dms.accounts import tasks as account_tasks
from dms.accounts.models import Department, Role, User
from dms.accounts.services import move_department
from dms.audit.models import AuditEntry
from dms.documents import events
from dms.documents.models import Document
from dms.errors import ApiError
from dms.jobs.models import Job
from tests.documents.conftest import run_jobs
from tests.jobs import tasks as test_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed():
    events.subscribe(test_tasks.add)  # any module-level task taking two arguments will do
    yield
    events._subscribers.remove(test_tasks.add)


@pytest.fixture
def admin(db):
    return User.objects.create_user("kanri", password="kiroku-test-pw", role=Role.ADMINISTRATOR)


def documents_in(org, department, n: int) -> list[int]:
    return [
        Document.objects.create(
            title=f"文書{i}", department=department, created_by=org["records"], source="api"
        ).pk
        for i in range(n)
    ]


def notified_ids() -> list[int]:
    jobs = Job.objects.filter(task_path=test_tasks.add.module_path)
    return sorted(args[0] for args in jobs.values_list("args", flat=True))


def revisions(ids) -> list[int]:
    return list(
        Document.objects.filter(pk__in=ids).order_by("pk").values_list("revision", flat=True)
    )


def test_a_move_changes_every_document_below_the_moved_department(org, admin, subscribed):
    soumu_bu, zaisei = org["soumu_bu"], org["keiyaku"].parent
    below = documents_in(org, org["bunsho"], 2) + documents_in(org, soumu_bu, 1)
    elsewhere = documents_in(org, org["keiyaku"], 2)

    move_department(soumu_bu, zaisei, user=admin)  # 総務部 (with 文書課) moves to 財政局

    soumu_bu.refresh_from_db()
    assert soumu_bu.parent == zaisei
    assert org["bunsho"].ancestor_ids() == [soumu_bu.pk, zaisei.pk]
    entry = AuditEntry.objects.get(action="move_department")
    assert entry.outcome == "done" and entry.actor == "kanri"
    assert entry.target_type == "department" and entry.target_id == str(soumu_bu.pk)
    assert entry.details["from_parent"] == Department.objects.get(code="soumu").pk
    assert entry.details["to_parent"] == zaisei.pk
    assert sorted(entry.details["departments"]) == sorted([soumu_bu.pk, org["bunsho"].pk])
    assert notified_ids() == []  # the re-indexing is a job, not part of the request

    run_jobs()
    assert revisions(below) == [1, 1, 1]
    assert revisions(elsewhere) == [0, 0]
    assert notified_ids() == sorted(below)


def test_many_documents_are_changed_in_chunks_of_their_own(org, admin, subscribed, monkeypatch):
    monkeypatch.setattr(account_tasks, "CHUNK_SIZE", 2)
    ids = documents_in(org, org["bunsho"], 5)
    move_department(org["bunsho"], org["keiyaku"].parent, user=admin)
    run_jobs()
    chunks = Job.objects.filter(task_path=account_tasks.refresh_department_documents.module_path)
    assert chunks.count() == 3
    assert sorted(
        args[1] if len(args) > 1 else 0 for args in chunks.values_list("args", flat=True)
    ) == [
        0,
        ids[1],
        ids[3],
    ]
    assert revisions(ids) == [1] * 5
    assert notified_ids() == ids


@pytest.mark.parametrize("who", ["tanaka", "sato", "records"])
def test_only_an_administrator_may_move_and_a_refusal_is_audited(org, who):
    with pytest.raises(ApiError) as refused:
        move_department(org["bunsho"], org["keiyaku"].parent, user=org[who])
    assert refused.value.status == 403 and refused.value.message and refused.value.message_en
    assert Department.objects.get(code="bunsho").parent == org["soumu_bu"]
    entry = AuditEntry.objects.get(action="move_department")
    assert entry.outcome == "refused" and entry.actor == who
    assert not Job.objects.filter(
        task_path=account_tasks.refresh_department_documents.module_path
    ).exists()


@pytest.mark.parametrize("moving, under", [("soumu", "soumu-bu"), ("soumu-bu", "soumu-bu")])
def test_a_department_cannot_move_under_itself_or_below_itself(org, admin, moving, under):
    department = Department.objects.get(code=moving)
    with pytest.raises(ApiError) as refused:
        move_department(department, Department.objects.get(code=under), user=admin)
    assert refused.value.code == "department_cycle" and refused.value.status == 400
    assert Department.objects.get(pk=department.pk).parent_id == department.parent_id
    assert AuditEntry.objects.get(action="move_department").outcome == "refused"


def test_the_command_moves_through_the_service(org, admin, subscribed):
    ids = documents_in(org, org["bunsho"], 1)
    call_command("move_department", "bunsho", "--parent", "zaisei", "--user", "kanri")
    assert Department.objects.get(code="bunsho").parent.code == "zaisei"
    run_jobs()
    assert notified_ids() == ids
    with pytest.raises(CommandError, match="administrator"):
        call_command("move_department", "bunsho", "--root", "--user", "tanaka")
    with pytest.raises(CommandError, match="no such department"):
        call_command("move_department", "nothing", "--root", "--user", "kanri")
