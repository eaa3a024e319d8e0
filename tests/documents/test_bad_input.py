"""Bad input: each case ends with a clear error or a `failed` status, the original kept,
the server alive."""

import io
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib

import pikepdf
import pypdfium2
import pytest
from django.db import connection
from django.test import override_settings

from dms.documents.models import Blob, Document, Version
from dms.documents.tasks import process_version
from dms.jobs.models import Job
from dms.storage import get_object_store
from tests.documents.conftest import after_quarantine, client_for, named, pdf_bytes, run_jobs

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str = "scan.pdf"):
    return client.post("/api/documents/", {"file": named(data, name)}, format="multipart")


def assert_nothing_recorded():
    assert Document.objects.count() == 0
    assert Blob.objects.count() == 0


def original_is_kept(client, document_id: int, data: bytes) -> None:
    response = client.get(f"/api/documents/{document_id}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data


def version_id(document_id: int) -> int:
    return Version.objects.get(document_id=document_id, number=1).pk


def fails_with(client, data: bytes, *needles: str) -> int:
    created = upload(client, data)
    assert created.status_code == 201, created.content
    run_jobs()
    detail = client.get(f"/api/documents/{created.json()['id']}/").json()
    assert detail["status"] == "failed"
    for needle in needles:
        assert needle in detail["error"]
    original_is_kept(client, detail["id"], data)
    return detail["id"]


def encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_bytes())) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(owner="owner", user="secret", R=6))
    return buffer.getvalue()


def blank_pdf(pages: int) -> bytes:
    pdf = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A valid 1-bit PNG of width × height pixels that compresses to about 100 KB."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def pdf_with_a_nul_glyph() -> bytes:
    """A born-digital page whose font maps one glyph to U+0000 (a character missing from
    the embedded subset, as some office exports write it)."""
    pdf = pikepdf.new()
    to_unicode = pdf.make_stream(
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Kiroku def "
        b"1 begincodespacerange <00> <FF> endcodespacerange "
        b"1 beginbfrange <00> <7F> <0000> endbfrange endcmap "
        b"CMapName currentdict /CMap defineresource pop end end"
    )
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type1,
        BaseFont=pikepdf.Name.Helvetica,
        ToUnicode=to_unicode,
    )
    content = pdf.make_stream(
        b"BT /F1 12 Tf 72 700 Td (Budget request\\000 for the road maintenance section) Tj ET"
    )
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 595, 842],
        Contents=content,
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
    )
    pdf.pages.append(pikepdf.Page(page))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_zero_byte_file_is_refused_clearly(store, clients):
    response = upload(clients["tanaka"], b"")
    assert response.status_code == 400
    assert response.json()["error"] == "empty_file"
    assert "空" in response.json()["message"] and "empty" in response.json()["message_en"]
    assert_nothing_recorded()


def test_an_executable_named_pdf_is_refused_with_415(store, clients):
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    response = upload(clients["tanaka"], elf, "請求書.pdf")
    assert response.status_code == 415
    body = response.json()
    assert "PDF、TIFF、JPEG、PNG" in body["message"]
    assert "PDF, TIFF, JPEG or PNG" in body["message_en"]
    assert_nothing_recorded()


def test_truncated_pdf_fails_and_can_be_retried(store, clients):
    data = pdf_bytes(3)[:700]
    document_id = fails_with(clients["tanaka"], data, "PDF")
    retried = clients["tanaka"].post(f"/api/documents/{document_id}/retry/")
    assert retried.status_code == 202
    assert retried.json()["status"] == "queued"
    run_jobs()  # runs again, fails again: the file itself is damaged
    processing = Job.objects.filter(
        task_path=process_version.module_path, args=[version_id(document_id)]
    )
    assert processing.count() == 2 and all(job.status == "FAILED" for job in processing)
    assert Document.objects.get(pk=document_id).status == "failed"
    assert clients["tanaka"].post(f"/api/documents/{document_id}/retry/").status_code == 202


def test_retry_is_only_for_failed_documents(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    run_jobs()
    assert clients["tanaka"].post(f"/api/documents/{document_id}/retry/").status_code == 409


def test_password_protected_pdf_fails_with_a_clear_reason(store, clients):
    fails_with(clients["tanaka"], encrypted_pdf(), "パスワード保護されたPDFです")


def test_decompression_bomb_image_fails_without_exhausting_memory(store, clients):
    fails_with(clients["tanaka"], png_bomb(), "画像が大きすぎます")


def test_pdf_with_5000_blank_pages_fails_on_the_page_limit(store, clients):
    fails_with(clients["tanaka"], blank_pdf(5000), "ページ数が上限を超えています", "5000")


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.pdf", "請求\x00書\x07\n.pdf", "長" * 300 + ".pdf", "..\\..\\boot.ini.pdf"],
    ids=["traversal", "control-characters", "300-characters", "backslashes"],
)
def test_hostile_file_names_are_cleaned(store, clients, name):
    created = upload(clients["tanaka"], pdf_bytes(), name)
    assert created.status_code == 201
    stored = Version.objects.get(document_id=created.json()["id"]).original_filename
    assert "/" not in stored and "\\" not in stored and ".." not in stored.split(".pdf")[0][:2]
    assert all(ord(c) >= 32 for c in stored)
    assert len(stored) <= 200 and stored.endswith(".pdf")
    disposition = clients["tanaka"].get(f"/api/documents/{created.json()['id']}/download/")
    assert "\n" not in disposition["Content-Disposition"]


def test_upload_over_the_size_limit_is_refused(store, clients, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = upload(clients["tanaka"], b"%PDF-1.7\n" + b"\x00" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert "1 MB" in response.json()["message"]
    assert_nothing_recorded()


@pytest.mark.django_db(transaction=True)
def test_the_same_file_uploaded_ten_times_at_once(store, org, generated_keys):
    data = pdf_bytes(2)
    statuses, errors = [], []

    def send():
        try:
            statuses.append(upload(client_for(org["tanaka"]), data).status_code)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [201] * 10
    assert Document.objects.count() == 10
    blob = Blob.objects.get()  # recorded once
    assert get_object_store().head(blob.key, blob.store_version_id).sha256 == blob.sha256
    # ... and stored once: the nine other copies are removed after their quarantine
    after_quarantine()
    versions = {key: get_object_store().list_versions(key) for key in generated_keys}
    assert len(versions) == 10
    assert sorted(len(found) for found in versions.values()) == [0] * 9 + [1]
    assert versions[blob.key][0].version_id == blob.store_version_id


def test_object_store_down_gives_503_and_records_nothing(org, clients):
    unreachable = {
        "BACKEND": "s3",
        "ENDPOINT": "http://127.0.0.1:1",
        "ACCESS_KEY": "x",
        "SECRET_KEY": "y",
        "BUCKET": "kiroku",
        "REGION": "us-east-1",
    }
    with override_settings(OBJECT_STORE=unreachable):
        response = upload(clients["tanaka"], pdf_bytes())
    assert response.status_code == 503
    assert response.json()["error"] == "object_store_unavailable"
    assert_nothing_recorded()
    # and the server is still alive
    assert clients["tanaka"].get("/api/documents/").status_code == 200


def test_database_failing_after_the_object_was_stored_leaves_nothing_behind(
    store, clients, generated_keys
):
    def fail_inserting_documents(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "documents_document"'):
            raise connection.OperationalError("connection to server lost")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_inserting_documents):
        response = upload(clients["tanaka"], pdf_bytes())
    assert response.status_code == 503
    assert response.json()["error"] == "database_unavailable"
    assert_nothing_recorded()
    assert len(generated_keys) == 1
    after_quarantine()
    assert get_object_store().list_versions(generated_keys[0]) == []  # removed again


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = "kiroku-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_database_down_answers_503_stores_nothing_and_stays_up(tmp_path):
    """A real server whose database is unreachable (nothing listens on port 1)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIROKU_S3")}
    env.update(
        DATABASE_URL="postgres://kiroku:kiroku@127.0.0.1:1/kiroku",
        KIROKU_VAR_DIR=str(tmp_path),
        KIROKU_SEARCH_URL="",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dms.wsgi", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.2)
        body, content_type = _multipart("file", "申請書.pdf", pdf_bytes())
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/documents/",
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "Authorization": "Token " + "0" * 40},
        )
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=30)
        assert answer.value.code == 503
        payload = json.load(answer.value)
        assert payload["error"] == "database_unavailable"
        assert "データベース" in payload["message"]
        with pytest.raises(urllib.error.HTTPError) as health:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health/", timeout=30)
        assert health.value.code == 503
        assert json.load(health.value)["services"]["database"]["status"] == "down"
        assert server.poll() is None  # still serving
        objects = tmp_path / "objects"
        assert not objects.exists() or not any(p.is_file() for p in objects.rglob("*"))
    finally:
        server.terminate()
        server.wait(30)


def test_a_nul_character_in_a_text_layer_does_not_fail_processing(store, clients):
    # PostgreSQL refuses NUL in text: the glyph is kept as U+FFFD, the rest is searchable.
    created = upload(clients["tanaka"], pdf_with_a_nul_glyph(), "予算要求.pdf")
    assert created.status_code == 201, created.content
    run_jobs()
    document = Document.objects.get(pk=created.json()["id"])
    assert document.status == "ready", document.error
    version = document.versions.get(number=1)
    assert "\x00" not in version.raw_content and "\x00" not in version.content
    assert "Budget request\ufffd for the road maintenance section" in version.raw_content
