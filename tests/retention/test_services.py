"""Files, classification, holds, extensions, corrections and 所管換, with every refusal."""

import datetime as dt

import pytest
from django.utils import timezone

from dms.audit.models import AuditEntry
from dms.documents.models import Document
from dms.errors import ApiError
from dms.storage import get_object_store
from retention import locks, services
from retention.models import CustodyTransfer, DocumentRetention, HoldType, Medium, RetentionClass
from tests.retention.conftest import make_document, make_file, run_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(org, local_store):
    return [make_document(org["tanaka"], org["bunsho"], f"契約書{i}") for i in (1, 2)]


def test_a_file_gives_its_documents_its_dates_and_the_store_its_lock(org, two):
    record_file = make_file(org)  # 5年, FY2023 → 2024-04-01 … 2029-03-31
    assert (record_file.start_date, record_file.base_expiry) == (
        dt.date(2024, 4, 1),
        dt.date(2029, 3, 31),
    )
    services.classify_many(two, record_file=record_file, user=org["records"])
    for document in two:
        document.refresh_from_db()
        assert document.retain_until == dt.date(2029, 3, 31) and not document.on_hold
    run_jobs()
    store = get_object_store()
    for document in two:
        for key, version_id in locks.stored_objects(document):
            retention = store.get_retention(key, version_id)
            assert retention.until == locks.lock_until(dt.date(2029, 3, 31))
            assert retention.mode == "GOVERNANCE"
    assert DocumentRetention.objects.get(pk=two[0].pk).lock_until == dt.date(2029, 3, 31)


def test_disclosure_hold_moves_the_effective_expiry_and_holds_the_store(org, two):
    record_file = make_file(org, code="1y", fiscal_year=2025)  # expires 2027-03-31
    services.classify(two[0], record_file=record_file, user=org["records"])
    hold = services.add_hold(
        record_file=record_file,
        hold_type=HoldType.DISCLOSURE,
        reference="情報公開第12号",
        started_on=dt.date(2026, 10, 1),
        user=org["records"],
    )
    record_file.refresh_from_db()
    assert record_file.effective_expiry is None and record_file.open_hold
    two[0].refresh_from_db()
    assert two[0].on_hold
    run_jobs()
    store = get_object_store()
    key, version_id = next(locks.stored_objects(two[0]))
    assert store.get_legal_hold(key, version_id)

    # Decided on 2026-11-20: held one year from the day after, past the base expiry.
    services.end_hold(hold, dt.date(2026, 11, 20), user=org["records"])
    record_file.refresh_from_db()
    assert record_file.effective_expiry == dt.date(2027, 11, 20)
    two[0].refresh_from_db()
    assert (two[0].retain_until, two[0].on_hold) == (dt.date(2027, 11, 20), False)
    run_jobs()
    assert not store.get_legal_hold(key, version_id)
    assert store.get_retention(key, version_id).until == locks.lock_until(dt.date(2027, 11, 20))


def test_refusals(org, two):
    record_file = make_file(org)
    other = make_file(org, code="10y", title="議事録")
    services.classify(two[0], record_file=record_file, user=org["records"])
    with pytest.raises(ApiError) as refused:  # another class into the file
        services.classify(two[0], record_file=other, user=org["records"])
    assert refused.value.code == "other_class" and "10年" in refused.value.message
    with pytest.raises(ApiError) as refused:
        services.classify(
            two[1],
            record_file=record_file,
            retention_class=RetentionClass.objects.get(code="3y"),
            user=org["records"],
        )
    assert refused.value.code == "other_class"
    with pytest.raises(ApiError) as refused:  # staff do not change retention
        services.classify(two[1], record_file=record_file, user=org["tanaka"])
    assert (refused.value.code, refused.value.status) == ("not_records_officer", 403)
    paper = make_file(org, medium=Medium.PAPER, title="紙の簿冊", location="書庫A-3")
    assert paper.base_expiry == dt.date(2029, 3, 31)  # a paper file is registered too
    with pytest.raises(ApiError) as refused:
        services.classify(two[1], record_file=paper, user=org["records"])
    assert refused.value.code == "paper_file"

    # A hold on a destroyed document (destruction itself is disposition's, tested there;
    # here only its outcome matters, so the row is marked as lifecycle.destroy leaves it).
    services.classify(
        two[1], retention_class=RetentionClass.objects.get(code="1y"), user=org["records"]
    )
    Document.objects.filter(pk=two[1].pk).update(destroyed_at=timezone.now())
    gone = Document.objects.get(pk=two[1].pk)
    with pytest.raises(ApiError) as refused:
        services.add_hold(
            document=gone,
            hold_type=HoldType.LITIGATION,
            reference="令和7年(ワ)第1号",
            started_on=dt.date(2025, 5, 1),
            user=org["records"],
        )
    assert refused.value.code == "destroyed"


def test_shortening_below_the_store_lock_is_refused(org, two):
    record_file = make_file(org, code="10y")
    services.classify(two[0], record_file=record_file, user=org["records"])
    run_jobs()
    with pytest.raises(ApiError) as refused:
        services.correct_start_date(
            record_file=record_file,
            start_date=dt.date(2023, 6, 1),
            reason="起算日の誤り",
            user=org["records"],
        )
    assert refused.value.code == "store_lock_later"
    assert "2034-03-31" in refused.value.message and "2034-03-31" in refused.value.message_en
    record_file.refresh_from_db()
    assert record_file.base_expiry == dt.date(2034, 3, 31)
    assert not record_file.corrections.exists()  # nothing changed


def test_start_date_correction_extensions_and_history(org, two):
    record_file = make_file(org, code="5y", fiscal_year=2023)
    correction = services.correct_start_date(
        record_file=record_file,
        start_date=dt.date(2024, 7, 1),
        reason="契約開始日",
        user=org["records"],
    )
    assert (correction.before, correction.after) == (dt.date(2024, 4, 1), dt.date(2024, 7, 1))
    record_file.refresh_from_db()
    assert record_file.base_expiry == dt.date(2029, 6, 30)
    services.extend(record_file=record_file, years=3, reason="事業継続中", user=org["records"])
    with pytest.raises(ApiError) as refused:
        services.extend(record_file=record_file, years=2, reason="再延長", user=org["records"])
    assert refused.value.code == "remark_required"
    services.extend(
        record_file=record_file, years=2, reason="再延長", remark="監査指摘", user=org["records"]
    )
    record_file.refresh_from_db()
    assert record_file.base_expiry == dt.date(2034, 6, 30)
    actions = set(
        AuditEntry.objects.filter(action__startswith="retention.").values_list("action", flat=True)
    )
    assert {"retention.correct_start_date", "retention.extend", "retention.create_file"} <= actions


def test_custody_transfer_keeps_history_and_bumps_revisions(org, two):
    record_file = make_file(org)
    services.classify_many(two, record_file=record_file, user=org["records"])
    before = {d.pk: Document.objects.get(pk=d.pk).revision for d in two}
    services.transfer_custody([record_file], org["keiyaku"], reason="組織改正", user=org["records"])
    record_file.refresh_from_db()
    assert record_file.custodian == org["keiyaku"]
    move = CustodyTransfer.objects.get(record_file=record_file)
    assert (move.from_section, move.to_section) == (org["bunsho"], org["keiyaku"])
    for document in two:
        assert Document.objects.get(pk=document.pk).revision > before[document.pk]
    assert list(services.visible_files(org["tanaka"])) == []
    assert list(services.visible_files(org["suzuki"])) == [record_file]


def test_bulk_classification_is_all_or_nothing_and_names_the_failing_document(org, two):
    five = make_file(org)
    ten = make_file(org, code="10y", fiscal_year=2025)
    third = make_document(org["tanaka"], org["bunsho"], "契約書3")
    services.classify(two[1], record_file=ten, user=org["records"])
    with pytest.raises(ApiError) as refused:
        services.classify_many([two[0], two[1], third], record_file=five, user=org["records"])
    error = refused.value
    assert (error.code, error.status_code) == ("other_class", 409)
    assert (error.extra["document_id"], error.extra["position"]) == (two[1].pk, 1)
    assert "契約書2" in error.message and f"Document {two[1].pk}" in error.message_en
    # Neither the document before the faulty one nor the one after was classified.
    assert not DocumentRetention.objects.filter(document__in=[two[0], third]).exists()
    assert DocumentRetention.objects.get(document=two[1]).record_file == ten
    two[0].refresh_from_db()
    assert two[0].retain_until is None
