"""The upload path's plumbing: the pipe between parser and store, and its cost in queries."""

import threading

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from dms.documents import events
from dms.documents.uploads import _Aborted, _Pipe
from tests.documents.conftest import pdf_bytes
from tests.documents.test_api import upload


def feed(pipe: _Pipe, chunks: list[bytes], *, abort: bool = False) -> threading.Thread:
    def write() -> None:
        for chunk in chunks:
            pipe.write(chunk)
        pipe.abort() if abort else pipe.close()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


@settings(max_examples=60, deadline=None)
@given(
    chunks=st.lists(st.binary(min_size=1, max_size=40), max_size=12),
    sizes=st.lists(st.integers(min_value=1, max_value=70), min_size=1, max_size=8),
)
def test_pipe_reads_give_exactly_what_was_asked_then_the_rest(chunks, sizes):
    pipe = _Pipe()
    writer = feed(pipe, chunks)
    got, i = [], 0
    while True:
        n = sizes[i % len(sizes)]
        i += 1
        data = pipe.read(n)
        if not data:
            break
        got.append(data)
        assert len(data) <= n
    writer.join(timeout=5)
    assert b"".join(got) == b"".join(chunks)
    # every read but the last returned all it was asked for
    assert all(len(data) == sizes[k % len(sizes)] for k, data in enumerate(got[:-1]))


def test_pipe_read_all_and_abort():
    pipe = _Pipe()
    feed(pipe, [b"ab", b"cd"]).join(timeout=5)
    assert pipe.read(3) == b"abc"
    assert pipe.read() == b"d"
    aborted = _Pipe()
    feed(aborted, [b"ab"], abort=True)
    with pytest.raises(_Aborted):
        aborted.read(10)


@pytest.mark.django_db
def test_an_upload_is_recorded_in_a_bounded_number_of_queries(
    store, clients, django_assert_max_num_queries
):
    """Authentication, the target department, one transaction and the response.

    A guard against N+1 creep on the hot path (the upload benchmark measures the time).
    """
    upload(clients["tanaka"], pdf_bytes())  # the first upload also creates the audit head
    # SQLite has no audit owner's function: the head's update is a statement of its own
    with django_assert_max_num_queries(10 if connection.vendor == "postgresql" else 11):
        response = upload(clients["tanaka"], pdf_bytes(pages=2))
    assert response.status_code == 201
    body = response.json()
    assert body["versions"][0]["number"] == 1
    assert body["versions"][0]["created_by"] == "tanaka"
    assert body["can_change"] is True


@pytest.mark.django_db(transaction=True)
def test_document_created_refuses_to_run_outside_the_creating_transaction(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    from dms.documents.models import Document

    with pytest.raises(RuntimeError):
        events.document_created(Document.objects.get(pk=document_id))


# --- the file as the whole body (RawFileParser) -------------------------------------------


def raw_upload(client, data: bytes, query: str = "", **headers):
    headers.setdefault(
        "HTTP_CONTENT_DISPOSITION", "attachment; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8.pdf"
    )
    return client.generic(
        "POST",
        f"/api/documents/{query}",
        data,
        content_type=headers.pop("content_type", "application/pdf"),
        **headers,
    )


@pytest.mark.django_db
def test_a_file_sent_as_the_body_is_recorded_with_its_name_and_the_query_options(
    store, clients, org
):
    response = raw_upload(
        clients["tanaka"],
        pdf_bytes(),
        "?department=bunsho&title=%E9%81%93%E8%B7%AF%E8%A3%9C%E4%BF%AE&document_date=2024-04-01",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "道路補修"
    assert body["created_on"] == "2024-04-01"  # the document's own date, not the upload's
    from dms.documents.models import Document

    assert Document.objects.get(pk=body["id"]).department == org["bunsho"]
    assert body["versions"][0]["original_filename"] == "請求書.pdf"
    download = clients["tanaka"].get(f"/api/documents/{body['id']}/download/")
    assert b"".join(download.streaming_content) == pdf_bytes()


@pytest.mark.django_db
def test_a_body_for_a_department_one_may_not_upload_to_is_refused_before_it_is_stored(
    store, clients, generated_keys
):
    response = raw_upload(clients["tanaka"], pdf_bytes(), "?department=keiyaku")
    assert response.status_code == 400, response.content  # as for a multipart upload
    assert "登録できません" in response.json()["message"]
    assert generated_keys == []  # not a key was made: nothing reached the store
    from dms.documents.models import Blob, Document

    assert Document.objects.count() == 0 and Blob.objects.count() == 0


@pytest.mark.django_db
def test_a_body_that_is_no_supported_file_is_refused_clearly(store, clients):
    elf = raw_upload(clients["tanaka"], b"\x7fELF\x02\x01\x01" + b"\x00" * 200)
    assert elf.status_code == 415
    assert "PDF" in elf.json()["message"] and "PDF" in elf.json()["message_en"]
    form = clients["tanaka"].generic(
        "POST", "/api/documents/", "title=x", content_type="application/x-www-form-urlencoded"
    )
    assert form.status_code == 415
    empty = raw_upload(clients["tanaka"], b"")  # no body: no file
    assert empty.status_code == 400 and empty.json()["error"] == "file_required"


@pytest.mark.django_db
def test_a_body_is_accepted_only_where_a_file_is(store, clients):
    document_id = raw_upload(clients["tanaka"], pdf_bytes()).json()["id"]
    share = raw_upload(clients["tanaka"], pdf_bytes(), f"{document_id}/share/")
    assert share.status_code in {400, 415}
    assert share.json()["error"] in {"unexpected_file", "unsupported_media_type"}
    version = raw_upload(clients["tanaka"], pdf_bytes(pages=2), f"{document_id}/versions/")
    assert version.status_code == 201, version.content
