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
