"""The scanner drop folder: department subfolders, done/ and failed/ with the reason."""

import os
import time

import pytest
from django.core.management import call_command

from dms.documents.models import Document
from tests.documents.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


def drop(folder, name, data, age=10.0):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def test_files_are_ingested_into_their_department_and_moved(store, org, tmp_path):
    data = pdf_bytes(2)
    drop(tmp_path / "bunsho", "スキャン001.pdf", data)
    drop(tmp_path / "bunsho", "readme.txt", b"not a scan")
    drop(tmp_path / "nowhere", "lost.pdf", pdf_bytes())
    fresh = drop(tmp_path / "keiyaku", "still-writing.pdf", pdf_bytes(), age=0)

    call_command("watch_scanner_folder", "--dir", str(tmp_path), "--once")

    document = Document.objects.get()
    assert document.department == org["bunsho"]
    assert document.source == "scanner"
    assert document.versions.get().original_filename == "スキャン001.pdf"
    assert document.versions.get().blob.size == len(data)
    done = list((tmp_path / "bunsho" / "done").iterdir())
    assert [p.name.split("_", 1)[1] for p in done] == ["スキャン001.pdf"]
    failed = sorted(p.name for p in (tmp_path / "bunsho" / "failed").iterdir())
    assert failed[0].endswith("_readme.txt") and failed[1].endswith("_readme.txt.error.txt")
    reason = (tmp_path / "bunsho" / "failed" / failed[1]).read_text()
    assert "対応していないファイル形式" in reason and "Unsupported file type" in reason
    lost_reason = next((tmp_path / "nowhere" / "failed").glob("*.error.txt")).read_text()
    assert "nowhere" in lost_reason
    assert fresh.exists()  # left for the next pass
