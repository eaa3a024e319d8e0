"""The scanner drop folder (複合機 scan-to-folder).

Layout: ``<SCANNER_DIR>/<department code>/<file>``. Each file is first claimed by an atomic
rename into ``<department>/processing/`` — so several watchers on a shared folder never
take the same file — then ingested like an upload, and finally moved to ``done/`` or to
``failed/`` with a ``<name>.error.txt`` beside it saying why.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from dms.accounts.models import Department
from dms.documents import ingest, lifecycle
from dms.documents.models import Source
from dms.errors import ApiError

logger = logging.getLogger(__name__)

SCANNER_USERNAME = "scanner"
SETTLE_SECONDS = 2.0  # a file still being written by the scanner is left for the next pass
WORK_DIRS = {"processing", "done", "failed"}


@dataclass
class Outcome:
    path: Path
    document_id: int | None = None
    error: str = ""


def scanner_user():
    user, created = get_user_model().objects.get_or_create(
        username=SCANNER_USERNAME, defaults={"display_name": "スキャナ取込"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M%S-%f")


def _claim(path: Path) -> Path | None:
    target = path.parent / "processing" / f"{_stamp()}_{path.name}"
    target.parent.mkdir(exist_ok=True)
    try:
        path.rename(target)
    except FileNotFoundError:
        return None  # another watcher took it
    return target


def _finish(claimed: Path, folder: str, error: str = "") -> Path:
    target = claimed.parent.parent / folder / claimed.name
    target.parent.mkdir(exist_ok=True)
    claimed.rename(target)
    if error:
        target.with_name(target.name + ".error.txt").write_text(error + "\n", encoding="utf-8")
    return target


def ingest_file(claimed: Path, department: Department, user) -> Outcome:
    original_name = claimed.name.split("_", 1)[1]
    try:
        with claimed.open("rb") as stream:
            stored = ingest.store_original(
                stream, filename=original_name, length=claimed.stat().st_size
            )
        document = lifecycle.create(
            stored,
            user=user,
            department=department,
            source=Source.SCANNER,
            check_rights=False,  # whoever may write into a section's folder files there
        )
    except ApiError as exc:
        return Outcome(
            _finish(claimed, "failed", f"{exc.message}\n{exc.message_en}"), error=exc.message
        )
    except Exception as exc:  # the watcher carries on with the next file
        logger.exception("scanner ingest of %s failed", claimed)
        return Outcome(_finish(claimed, "failed", f"取り込みに失敗しました: {exc}"), error=str(exc))
    return Outcome(_finish(claimed, "done"), document_id=document.pk)


def scan_once(root: Path, *, settle_seconds: float = SETTLE_SECONDS) -> list[Outcome]:
    outcomes = []
    user = None
    now = time.time()
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        department = Department.objects.filter(code=folder.name).first()
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            if now - path.stat().st_mtime < settle_seconds:
                continue
            claimed = _claim(path)
            if claimed is None:
                continue
            if department is None:
                message = f"組織コード「{folder.name}」の組織がありません (unknown department)"
                outcomes.append(Outcome(_finish(claimed, "failed", message), error=message))
                continue
            user = user or scanner_user()
            outcomes.append(ingest_file(claimed, department, user))
    return outcomes
