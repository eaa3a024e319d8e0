"""The process_version task moved to dms.documents.tasks; a job queued under its old path
before the upgrade still runs, and still marks its document failed when it gives up."""

import importlib

import pytest
from django.apps import apps

from dms.documents.models import Document
from dms.documents.tasks import process_version
from dms.jobs.models import Job
from tests.documents.conftest import pdf_bytes, run_jobs
from tests.documents.test_bad_input import upload

pytestmark = pytest.mark.django_db

migration = importlib.import_module("dms.documents.migrations.0005_process_version_task_path")


def test_the_task_is_stored_under_its_tasks_module_path(store, clients):
    upload(clients["tanaka"], pdf_bytes())
    assert process_version.module_path == "dms.documents.tasks.process_version"
    assert Job.objects.filter(task_path=process_version.module_path).count() == 1


def test_a_job_queued_under_the_old_path_is_moved_and_gives_up_as_before(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes(3)[:700]).json()["id"]  # truncated
    queued = Job.objects.filter(task_path=process_version.module_path)
    queued.update(task_path=migration.OLD)  # as queued before the upgrade
    migration.rename(migration.OLD, migration.NEW)(apps, None)
    run_jobs()
    job = Job.objects.get(task_path=process_version.module_path)
    assert job.status == "FAILED"
    document = Document.objects.get(pk=document_id)
    assert document.status == "failed" and "壊れている" in document.error
