"""The signing job as the worker runs it: enqueued by the action on commit, retried while
the TSA is down, swept every 10 minutes; and nothing pending when signing is off."""

from __future__ import annotations

import pytest

from approvals import services
from approvals.models import CaseEvent
from approvals.signing import flow
from approvals.signing.jobs import sweep_pending_signatures
from approvals.signing.models import DecisionRevision
from dms.jobs.models import Job, JobStatus
from dms.jobs.worker import Worker
from tests.signing.conftest import five_signer_case

pytestmark = pytest.mark.signing
APPLY = "approvals.signing.jobs.apply_signatures"


def jobs(status=None):
    found = Job.objects.filter(task_path=APPLY)
    return found.filter(status=status) if status else found


def test_the_action_enqueues_the_job_and_the_worker_signs(
    named_city, own_tsa, settings, django_capture_on_commit_callbacks
):
    city = named_city
    settings.KIROKU_SIGNING = {**settings.KIROKU_SIGNING, "TSA_URL": own_tsa.url}
    case = five_signer_case(city)
    own_tsa.stop()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(case, user=city["kakaricho"])
    assert jobs().count() == 1 and jobs().get().args == [case.pk]

    Job.objects.exclude(task_path=APPLY).delete()  # the fixture documents' processing
    worker = Worker()
    assert worker.run_one()
    failed = jobs().get()
    assert failed.status == JobStatus.READY and failed.attempts == 1  # to be retried
    assert CaseEvent.objects.get(case=case, action="approve").signature_state == "pending"

    # The sweep enqueues every case still pending (the retry would also do it).
    assert sweep_pending_signatures.call() == 1
    own_tsa.start()
    Job.objects.filter(task_path=APPLY).update(run_after=failed.enqueued_at)  # due now
    while worker.run_one():
        pass
    assert CaseEvent.objects.get(case=case, action="approve").signature_state == "signed"
    assert DecisionRevision.objects.filter(case=case, kind="signature").count() == 1
    assert jobs(JobStatus.SUCCESSFUL).count() == 2


def test_signing_off_records_actions_without_signatures(
    named_city, settings, django_capture_on_commit_callbacks
):
    city = named_city
    settings.KIROKU_SIGNING = {**settings.KIROKU_SIGNING, "TSA_URL": ""}
    assert not flow.enabled()
    case = five_signer_case(city)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(case, user=city["kakaricho"])
    assert CaseEvent.objects.get(case=case, action="approve").signature_state == ""
    assert not DecisionRevision.objects.filter(case=case).exists()
    assert not jobs().exists()
