"""The bulk recomputation agrees with the per-row services and finds what changed."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from retention import bulk, services
from retention.models import DocumentRetention, HoldType, RecordFile, RetentionClass
from tests.retention.conftest import make_document, make_file, run_jobs

pytestmark = pytest.mark.django_db


def test_recompute_all_matches_the_services_and_reports_changes(org, local_store):
    docs = [make_document(org["tanaka"], org["bunsho"], f"文書{i}") for i in range(4)]
    five = make_file(org, code="5y", fiscal_year=2024)
    ten = make_file(org, code="10y", fiscal_year=2025)
    services.classify_many(docs[:2], record_file=five, user=org["records"])
    services.classify(docs[2], record_file=ten, user=org["records"])
    services.classify(
        docs[3], retention_class=RetentionClass.objects.get(code="3y"), user=org["records"]
    )
    services.add_hold(
        document=docs[1],
        hold_type=HoldType.APPEAL,
        reference="審査請求第3号",
        started_on=dt.date(2026, 6, 1),
        event_on=dt.date(2032, 5, 31),
        user=org["records"],
    )
    expected = dict(DocumentRetention.objects.values_list("document_id", "effective_expiry"))
    assert expected[docs[1].pk] == dt.date(2033, 5, 31)
    # Wipe the stored dates: the bulk pass must find them all again, exactly.
    DocumentRetention.objects.update(effective_expiry=None, base_expiry=None, start_date=None)
    RecordFile.objects.update(effective_expiry=None, base_expiry=None, start_date=None)
    result = bulk.recompute_all()
    assert result["files_changed"] == 2
    assert result["documents_changed"] == sorted(d.pk for d in docs)
    assert (
        dict(DocumentRetention.objects.values_list("document_id", "effective_expiry")) == expected
    )
    assert bulk.recompute_all()["documents_changed"] == []  # nothing left to change

    # A schedule change (5年 → 7年) reaches the filed documents and then the documents.
    RetentionClass.objects.filter(code="5y").update(duration=7)
    changed = bulk.recompute_all()["documents_changed"]
    assert changed == sorted([docs[0].pk, docs[1].pk])
    assert services.reapply(changed, user=org["records"]) == 2
    docs[0].refresh_from_db()
    assert docs[0].retain_until == dt.date(2032, 3, 31)


def test_retention_recompute_command_dry_run_then_apply(org, local_store):
    document = make_document(org["tanaka"], org["bunsho"], "文書")
    services.classify(document, record_file=make_file(org), user=org["records"])  # → 2029-03-31
    RetentionClass.objects.filter(code="5y").update(duration=7)
    out = io.StringIO()
    call_command("retention_recompute", "--dry-run", stdout=out)
    assert "1 files and 1 documents would change, 0 applied" in out.getvalue()
    assert DocumentRetention.objects.get(pk=document.pk).effective_expiry == dt.date(2029, 3, 31)
    out = io.StringIO()
    call_command("retention_recompute", stdout=out)
    assert "1 files and 1 documents changed, 1 applied" in out.getvalue()
    document.refresh_from_db()
    assert document.retain_until == dt.date(2031, 3, 31)


def test_retention_recompute_refuses_a_shortening_below_the_store_lock_whole(org, local_store):
    document = make_document(org["tanaka"], org["bunsho"], "文書")
    services.classify(document, record_file=make_file(org), user=org["records"])
    run_jobs()  # the store now locks it until 2029-03-31
    RetentionClass.objects.filter(code="5y").update(duration=3)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit):
        call_command("retention_recompute", stdout=out, stderr=err)
    assert f"document {document.pk}: store_lock_later" in err.getvalue()
    assert "1 of 1 documents refused: nothing changed" in out.getvalue()
    document.refresh_from_db()
    assert document.retain_until == dt.date(2029, 3, 31)  # never shortened
    # All or nothing: the file and the document keep their dates.
    assert RecordFile.objects.get().base_expiry == dt.date(2029, 3, 31)
    assert DocumentRetention.objects.get(pk=document.pk).effective_expiry == dt.date(2029, 3, 31)
