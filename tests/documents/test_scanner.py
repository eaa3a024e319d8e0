"""The scanner drop folder: department subfolders, done/ and failed/ with the reason."""

import os
import time

import pytest
from django.core.management import call_command

from dms.documents import scanner
from dms.documents.models import Document
from dms.documents.scanner import LINKED_FOLDER
from tests.documents.conftest import named, pdf_bytes

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


# --- links never lead out of the drop folder (issue 11) ------------------------------------


def reason_beside(folder, name):
    return next((folder / "failed").glob(f"*_{name}.error.txt")).read_text(encoding="utf-8")


def test_a_symlink_to_another_departments_original_is_refused(store, org, tmp_path, clients):
    """Regression: the link was followed and the other department's bytes ingested."""
    theirs = pdf_bytes(3)
    created = clients["suzuki"].post(
        "/api/documents/", {"file": named(theirs, "契約書.pdf")}, format="multipart"
    )
    assert created.status_code == 201
    secret = tmp_path / "elsewhere" / "契約書.pdf"  # as the local store keeps an original
    secret.parent.mkdir()
    secret.write_bytes(theirs)
    drops = tmp_path / "drops"
    (drops / "bunsho").mkdir(parents=True)
    (drops / "bunsho" / "link.pdf").symlink_to(secret)
    (drops / "bunsho" / "passwd.pdf").symlink_to("/etc/passwd")
    past = time.time() - 10
    for link in (drops / "bunsho").iterdir():
        os.utime(link, (past, past), follow_symlinks=False)  # settled, like a real drop

    call_command("watch_scanner_folder", "--dir", str(drops), "--once")

    assert not Document.objects.filter(department=org["bunsho"]).exists()
    for name in ("link.pdf", "passwd.pdf"):
        reason = reason_beside(drops / "bunsho", name)
        assert "シンボリックリンク" in reason and "Symbolic links" in reason
    moved = next((drops / "bunsho" / "failed").glob("*_link.pdf"))
    assert moved.is_symlink()  # the link itself was moved, its target left alone
    assert secret.read_bytes() == theirs


def test_a_symlinked_department_folder_is_refused(store, org, tmp_path):
    outside = tmp_path / "outside"
    drop(outside, "秘.pdf", pdf_bytes())
    drops = tmp_path / "drops"
    drops.mkdir()
    (drops / "bunsho").symlink_to(outside, target_is_directory=True)

    call_command("watch_scanner_folder", "--dir", str(drops), "--once")

    assert Document.objects.count() == 0
    assert (outside / "秘.pdf").exists()  # nothing was claimed through the link
    assert not (outside / "processing").exists()
    reason = next((drops / ".refused").glob("*_bunsho.error.txt")).read_text(encoding="utf-8")
    assert "リンクされたフォルダ" in reason and "linked folder" in reason


def test_a_symlinked_work_folder_refuses_the_department_folder(store, org, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    drops = tmp_path / "drops"
    drop(drops / "bunsho", "a.pdf", pdf_bytes())
    (drops / "bunsho" / "done").symlink_to(outside, target_is_directory=True)

    outcomes = call_scan(drops)

    assert [outcome.error for outcome in outcomes] == [LINKED_FOLDER[0]]
    assert Document.objects.count() == 0
    assert (drops / "bunsho" / "a.pdf").exists() and list(outside.iterdir()) == []


def test_a_hard_link_is_refused(store, org, tmp_path):
    """A hard link is the same file under another name: the path cannot say where it
    came from, so a file with more than one link is refused (a scan has exactly one)."""
    secret = tmp_path / "elsewhere.pdf"
    secret.write_bytes(pdf_bytes())
    drops = tmp_path / "drops"
    (drops / "bunsho").mkdir(parents=True)
    os.link(secret, drops / "bunsho" / "hard.pdf")
    past = time.time() - 10
    os.utime(secret, (past, past))

    call_command("watch_scanner_folder", "--dir", str(drops), "--once")

    assert Document.objects.count() == 0
    reason = reason_beside(drops / "bunsho", "hard.pdf")
    assert "ハードリンク" in reason and "hard links" in reason


def test_a_fifo_is_refused_without_blocking(store, org, tmp_path):
    drops = tmp_path / "drops"
    (drops / "bunsho").mkdir(parents=True)
    os.mkfifo(drops / "bunsho" / "pipe.pdf")
    past = time.time() - 10
    os.utime(drops / "bunsho" / "pipe.pdf", (past, past))

    call_command("watch_scanner_folder", "--dir", str(drops), "--once")

    assert "通常のファイルではない" in reason_beside(drops / "bunsho", "pipe.pdf")


def test_a_file_swapped_for_a_link_after_listing_is_refused(store, org, tmp_path):
    """The race: what was claimed (renamed) is a link by the time it is opened."""
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(pdf_bytes())
    processing = tmp_path / "drops" / "bunsho" / "processing"
    processing.mkdir(parents=True)
    (processing.parent / "failed").mkdir()
    claimed = processing / "20250401-000000-000000_swap.pdf"
    claimed.symlink_to(secret)

    outcome = scanner.ingest_file(claimed, org["bunsho"], scanner.scanner_user())

    assert outcome.document_id is None and "シンボリックリンク" in outcome.error
    assert Document.objects.count() == 0
    assert "Symbolic links" in reason_beside(processing.parent, "swap.pdf")


def test_a_reason_file_is_never_written_through_a_planted_link(store, org, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    failed = tmp_path / "drops" / "bunsho" / "failed"
    failed.mkdir(parents=True)
    (failed / "x.txt.error.txt").symlink_to(victim)
    (failed.parent / "processing").mkdir()
    claimed = failed.parent / "processing" / "x.txt"
    claimed.write_bytes(b"not a scan")

    with pytest.raises(FileExistsError):
        scanner._finish(claimed, "failed", "理由\nreason")
    assert victim.read_text() == "untouched"


def call_scan(root):
    return scanner.scan_once(root)


def test_a_linked_refused_folder_is_not_used_either(store, org, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    drops = tmp_path / "drops"
    drops.mkdir()
    (drops / ".refused").symlink_to(outside, target_is_directory=True)
    (drops / "bunsho").symlink_to(outside, target_is_directory=True)

    outcomes = call_scan(drops)

    assert [outcome.error for outcome in outcomes] == [LINKED_FOLDER[0]]
    assert list(outside.iterdir()) == []
