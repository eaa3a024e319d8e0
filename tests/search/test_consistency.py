"""The index follows the database: the task, retries, reindex and search_check."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from dms.documents import events
from dms.documents.models import Document
from dms.jobs.models import Job, JobStatus
from search import text
from search.backends import backend_for
from search.backends.base import SearchRequest
from search.consistency import check
from search.engine import _probe
from search.entries import entries_for
from search.query import parse
from search.tasks import index_document
from tests.search.conftest import IMPLEMENTATIONS, RUN_PREFIX
from tests.search.helpers import change, make_document, run_jobs
from tests.services import require

pytestmark = pytest.mark.django_db


@pytest.fixture(params=IMPLEMENTATIONS)
def engine(request, tmp_path):
    url = "" if request.param == "embedded" else require(request.param)
    prefix = f"{RUN_PREFIX}-c-{secrets.token_hex(3)}"
    config = {"URL": url, "ENGINES": {}, "INDEX_DIR": str(tmp_path), "INDEX_PREFIX": prefix}
    with override_settings(SEARCH=config):
        backend = backend_for(url)
        yield backend
        backend.drop()


def hits(backend, q: str) -> list[int]:
    backend.refresh()
    return [hit.id for hit in backend.search(SearchRequest(query=parse(q))).hits]


def test_the_index_task_is_subscribed_to_document_changes():
    assert index_document in events._subscribers


def test_every_change_reaches_the_index_in_order(engine, org):
    document = make_document(org, "第一版の件名 あいうえお", "本文")
    change(document, title="第二版の件名 かきくけこ")
    change(document, title="第三版の件名 さしすせそ")
    assert run_jobs() == 3  # each job reads the current state; later ones are no-ops
    assert hits(engine, "さしすせそ") == [document.pk]
    assert hits(engine, "あいうえお") == []
    assert engine.indexed()[document.pk][0] == Document.objects.get(pk=document.pk).revision
    # a job replayed for an old revision changes nothing
    index_document.call(document.pk, 1)
    assert hits(engine, "さしすせそ") == [document.pk]


def test_engine_down_fails_the_job_and_the_index_catches_up(engine, org, settings):
    live = dict(settings.SEARCH)
    with override_settings(SEARCH={**live, "URL": "http://127.0.0.1:1"}):
        document = make_document(org, "障害中に登録した文書 たちつてと", "本文")
        run_jobs()
    job = Job.objects.get(task_path=index_document.module_path, args=[document.pk, 1])
    assert job.status == JobStatus.READY and job.attempts == 1  # waiting for its retry
    assert "127.0.0.1:1" in job.last_error
    assert Document.objects.filter(pk=document.pk).exists()  # the document is saved
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())  # the backoff is over
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCESSFUL
    assert hits(engine, "たちつてと") == [document.pk]


def test_reindex_rebuilds_without_losing_documents(engine, org):
    kept = make_document(org, "再構築前の文書 なにぬねの", "本文")
    run_jobs()
    unindexed = make_document(org, "ジョブ未実行の文書 はひふへほ", "本文")  # job not run
    call_command("reindex")
    assert hits(engine, "なにぬねの") == [kept.pk]
    assert hits(engine, "はひふへほ") == [unindexed.pk]
    assert check(engine).clean


def test_search_check_finds_and_repairs_differences(engine, org):
    missing = make_document(org, "索引にない文書", "本文")
    Job.objects.all().delete()  # its job gave up
    stale = make_document(org, "古い件名", "本文")
    run_jobs()
    Document.objects.filter(pk=stale.pk).update(title="新しい件名 まみむめも")  # no job
    events.document_changed(stale.pk)
    Job.objects.all().delete()
    engine.upsert(replace(entries_for([stale.pk])[0], id=987654, revision=1))
    report = check(engine)
    assert report.missing == [missing.pk]
    assert report.stale == [stale.pk]
    assert report.extra == [987654]
    with pytest.raises(SystemExit):
        call_command("search_check", "--dry-run")
    call_command("search_check")
    assert check(engine).clean
    assert hits(engine, "まみむめも") == [stale.pk]


def test_reorganised_department_tree_is_repaired_by_search_check(engine, org, clients):
    """Moving a section under another bureau changes no document revision; the entries'
    fingerprints differ and search_check rewrites them with the new ancestors."""
    document = make_document(org, "組織改正の対象 らりるれろ", "本文")
    run_jobs()
    bunsho = org["bunsho"]
    bunsho.parent = org["keiyaku"].parent  # 文書課 moves under 財政局
    bunsho.save()
    assert check(engine).stale == [document.pk]
    call_command("search_check")
    engine.refresh()
    response = clients["sato"].get("/api/search/", {"q": "らりるれろ"}).json()
    assert response["count"] == 0  # 総務部 is no longer above it


def test_dictionary_and_synonym_changes_are_picked_up_by_reindex(
    engine, org, tmp_path, monkeypatch
):
    document = make_document(org, "出張旅費の精算", "旅費精算の手引")
    run_jobs()
    assert hits(engine, "旅費清算") == []
    synonyms = tmp_path / "synonyms_ja.txt"
    synonyms.write_text(text.SYNONYMS.read_text(encoding="utf-8") + "精算,清算\n", "utf-8")
    monkeypatch.setattr(text, "SYNONYMS", synonyms)
    text.fold_rules.cache_clear()
    text._fold_pattern.cache_clear()
    try:
        call_command("reindex")
        assert hits(engine, "旅費清算") == [document.pk]
    finally:
        monkeypatch.undo()
        text.fold_rules.cache_clear()
        text._fold_pattern.cache_clear()


@pytest.mark.parametrize(
    ("name", "analysis"),
    [("elasticsearch", "standard"), ("opensearch", "kuromoji+bigram"), ("embedded", "bigram")],
)
def test_health_reports_which_analysis_is_active(name, analysis, tmp_path):
    url = "" if name == "embedded" else require(name)
    with override_settings(SEARCH={"URL": url, "ENGINES": {}, "INDEX_DIR": str(tmp_path)}):
        result = _probe(url)
    assert result.status == "ok"
    assert result.backend == name
    assert result.capabilities["analysis"] == analysis


def test_documents_dated_by_era_are_filtered_as_dates(engine, org):
    document = make_document(org, "令和の請求書", "本文", document_date=dt.date(2024, 4, 1))
    run_jobs()
    engine.refresh()
    from search.backends.base import Filters

    request = SearchRequest(filters=Filters(date_from=dt.date(2024, 4, 1)))
    assert [hit.id for hit in engine.search(request).hits] == [document.pk]


def test_the_index_is_reconciled_every_hour_by_a_scheduled_job():
    from datetime import timedelta

    from dms.jobs.schedule import schedules
    from search.tasks import reconcile_index

    assert any(
        s.task.module_path == reconcile_index.module_path and s.period == timedelta(hours=1)
        for s in schedules()
    )
