"""A destroyed document leaves the search index (through the change event and the index
task, on each real engine) and is found afterwards as a tombstone."""

import datetime as dt

import pytest
from django.core.management import call_command

from retention.disposition import services
from search.consistency import check
from search.tasks import index_document
from tests.retention_disposition.conftest import classify, make_file
from tests.search.helpers import make_document, run_jobs
from tests.search.test_consistency import engine, hits  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_destruction_removes_the_document_from_the_index(engine, store, org, officers, clients):  # noqa: F811
    doomed = make_document(org, "廃棄する契約書 らりるれろ", "本文 ゐゑをん")
    kept = make_document(org, "残る契約書 わいうえお", "本文 ゐゑをん")
    run_jobs()
    assert sorted(hits(engine, "ゐゑをん")) == sorted([doomed.pk, kept.pk])
    record_file = make_file(org, title="平成30年度 契約書綴り", expiry=dt.date(2019, 3, 31))
    classify(doomed, record_file)
    proposal = services.propose(user=officers["records"], files=[record_file], method="destroy")
    services.approve(proposal, user=officers["records2"])
    services.execute(proposal.pk)
    run_jobs()  # the destroy's change event queued the index task
    assert hits(engine, "らりるれろ") == []
    assert hits(engine, "ゐゑをん") == [kept.pk]
    assert doomed.pk not in engine.indexed()
    # A late replay of an old index job, the check and a full reindex leave it out too.
    index_document.call(doomed.pk, 1)
    assert check(engine).clean
    call_command("reindex")
    assert hits(engine, "らりるれろ") == []

    # Found as destroyed: by its file's title, or by the document's id.
    client = clients["records"]
    for query in ["q=契約書綴り", f"document={doomed.pk}"]:
        found = client.get(f"/api/retention/disposition/tombstones/?{query}").json()
        rows = found["results"] if isinstance(found, dict) else found
        assert [r["record_file"] for r in rows] == [record_file.pk], query
        assert rows[0]["register_row"]["status"] == "廃棄済"
        assert [h["document"] for h in rows[0]["hashes"]] == [doomed.pk]
    nothing = client.get(f"/api/retention/disposition/tombstones/?document={kept.pk}").json()
    assert (nothing["results"] if isinstance(nothing, dict) else nothing) == []
