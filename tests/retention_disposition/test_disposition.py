"""The disposition queue, proposals and their refusals, and destruction with tombstones,
on the real database and object stores (local disk and versitygw)."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dms.documents.models import Document
from dms.errors import ApiError
from dms.storage import get_object_store
from retention.disposition import services
from retention.disposition.models import ItemState, ProposalState, Tombstone
from retention.models import Action, Hold, RecordFile
from tests.documents.conftest import pdf_bytes, run_jobs
from tests.documents.test_api import upload
from tests.retention_disposition.conftest import classify, make_file

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)


def test_queue_lists_expired_files_without_holds_oldest_first(org):
    old = make_file(org, title="古い", expiry=dt.date(2019, 3, 31))
    newer = make_file(org, title="新しい", expiry=dt.date(2024, 3, 31))
    make_file(org, title="保存中", expiry=dt.date(2030, 3, 31))
    make_file(org, title="保留中", expiry=dt.date(2019, 3, 31), open_hold=True)
    make_file(org, title="保留で未確定", effective_expiry=None)
    assert list(services.queue(TODAY)) == [old, newer]


def test_queue_first_page_is_a_bounded_number_of_queries(org):
    for n in range(30):
        make_file(org, title=f"ファイル{n}", expiry=dt.date(2019 + n % 5, 3, 31))
    with CaptureQueriesContext(connection) as queries:
        page = list(services.queue(TODAY)[:20])
        [(f.retention_class.name, f.custodian.name) for f in page]
    assert len(page) == 20 and len(queries) == 1


def test_warnings_for_undecided_action_within_n_months(org):
    soon = make_file(org, code="10y", title="10年・未定", expiry=dt.date(2027, 3, 31))
    make_file(org, code="10y", title="10年・先", expiry=dt.date(2029, 3, 31))
    make_file(org, code="5y", title="5年・廃棄", expiry=dt.date(2027, 3, 31))
    decided = make_file(org, code="10y", title="10年・決定", expiry=dt.date(2027, 3, 31))
    decided.action = Action.TRANSFER
    decided.save()
    assert list(services.warnings(TODAY, months=12)) == [soon]
    assert list(services.warnings(TODAY, months=1)) == []


def test_only_officers_propose_and_refusals_name_the_reason(org, officers):
    expired = make_file(org, expiry=dt.date(2019, 3, 31))
    current = make_file(org, expiry=dt.date(2030, 3, 31))
    # As retention's hold service leaves it: flagged, no effective expiry while open.
    held = make_file(org, expiry=dt.date(2019, 3, 31), open_hold=True, effective_expiry=None)
    Hold.objects.create(
        record_file=held, hold_type="disclosure", reference="開示第1号", started_on=TODAY
    )
    with pytest.raises(ApiError) as staff:
        services.propose(user=org["tanaka"], files=[expired], method="destroy")
    assert staff.value.status_code == 403
    for record_file, code in [(current, "not_expired"), (held, "file_on_hold")]:
        with pytest.raises(ApiError) as refused:
            services.propose(user=officers["records"], files=[record_file], method="destroy")
        assert refused.value.code == code
    proposal = services.propose(user=officers["records"], files=[expired], method="destroy")
    assert list(services.queue(TODAY)) == []  # claimed by the proposal
    with pytest.raises(ApiError) as twice:
        services.propose(user=officers["records"], files=[expired], method="destroy")
    assert twice.value.code == "already_proposed"
    with pytest.raises(ApiError) as same:
        services.approve(proposal, user=officers["records"])
    assert same.value.code == "same_person"
    assert services.approve(proposal, user=officers["records2"]).state == ProposalState.APPROVED


def test_destruction_deletes_every_object_and_leaves_a_tombstone(
    brief_retention, clients, org, officers
):
    documents = [
        Document.objects.get(pk=upload(clients["tanaka"], pdf_bytes(n + 1)).json()["id"])
        for n in range(2)
    ]
    run_jobs()  # archive PDFs and thumbnails exist too
    record_file = make_file(org, expiry=dt.date(2019, 3, 31))
    for document in documents:
        classify(document, record_file)
    versions = [d.versions.select_related("blob").get() for d in documents]
    keys = [k for v in versions for k in (v.blob.key, v.archive_key, v.thumbnail_key) if k]
    store = get_object_store()
    assert all(store.list_versions(key) for key in keys)
    proposal = services.propose(user=officers["records"], files=[record_file], method="destroy")
    services.approve(proposal, user=officers["records2"])
    time.sleep(brief_retention + 1.5)  # the store's lock on the new objects runs out
    done = services.execute(proposal.pk)
    assert done.state == ProposalState.DONE
    assert not any(store.list_versions(key) for key in keys)
    assert all(Document.objects.get(pk=d.pk).is_destroyed for d in documents)
    tombstone = Tombstone.objects.get(record_file=record_file)
    assert tombstone.decided_by == officers["records2"]
    assert tombstone.decision_reference == f"proposal:{proposal.pk}"
    assert sorted(h["sha256"] for h in tombstone.hashes) == sorted(v.blob.sha256 for v in versions)
    assert tombstone.register_row["title"] == "契約書綴り"
    assert tombstone.register_row["status"] == "廃棄済"
    assert RecordFile.objects.get(pk=record_file.pk).closed_at is not None
    # Running the job again changes nothing and fails on nothing.
    assert services.execute(proposal.pk).state == ProposalState.DONE


def test_a_hold_added_after_the_decision_stops_the_destruction(store, clients, org, officers):
    document = Document.objects.get(pk=upload(clients["tanaka"], pdf_bytes()).json()["id"])
    record_file = make_file(org, expiry=dt.date(2019, 3, 31))
    classify(document, record_file)
    proposal = services.propose(user=officers["records"], files=[record_file], method="destroy")
    services.approve(proposal, user=officers["records2"])
    Hold.objects.create(
        record_file=record_file,
        hold_type="litigation",
        reference="令和8年(ワ)第1号",
        started_on=TODAY,
    )
    services.execute(proposal.pk)
    item = proposal.items.get()
    assert item.state == ItemState.REFUSED and "保留" in item.refusal
    blob = document.versions.get().blob
    assert get_object_store().list_versions(blob.key)  # untouched
    assert not Document.objects.get(pk=document.pk).is_destroyed
    assert not Tombstone.objects.exists()
