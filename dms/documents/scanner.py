"""The scanner drop folder (複合機 scan-to-folder).

Layout: ``<SCANNER_DIR>/<department code>/<file>``. Each file is first claimed by an atomic
rename into ``<department>/processing/`` — so several watchers on a shared folder never
take the same file — then ingested like an upload, and finally moved to ``done/`` or to
``failed/`` with a ``<name>.error.txt`` beside it saying why.

Whoever may write into a section's folder files documents into that section, so the
folder must not be a way to read anything else the server can read. Links are never
followed: a symbolic link (to a file, or as a department or work folder) and a file with
more than one hard link (the same bytes under another path, e.g. another department's
stored original — a hard link cannot be told apart by its path) are refused into
``failed/`` with the reason, and logged. The check is made on the claimed file itself,
opened with ``O_NOFOLLOW`` and inspected with ``fstat``, so swapping the file for a link
between the listing and the claim changes nothing.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
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
REFUSED_DIR = ".refused"  # under the root: department folders that were links

SYMLINK = (
    "シンボリックリンクは取り込みません。ファイルそのものを置いてください。",
    "Symbolic links are not accepted; put the file itself in the folder.",
)
HARD_LINK = (
    "ほかの場所と共有されたファイル (ハードリンク) は取り込みません。コピーを置いてください。",
    "A file with other hard links is not accepted; put a copy in the folder.",
)
NOT_A_FILE = (
    "通常のファイルではないため取り込みません。",
    "Not a regular file, so it is not accepted.",
)
LINKED_FOLDER = (
    "リンクされたフォルダは取り込みません。組織のフォルダを直接作成してください。",
    "A linked folder is not accepted; create the department's folder itself.",
)
OUTSIDE = (
    "取り込みフォルダの外を指しているため取り込みません。",
    "It points outside the drop folder, so it is not accepted.",
)


class Refused(Exception):
    """A drop-folder entry the scanner will not read; ``reason`` is the ja/en pair."""

    def __init__(self, reason: tuple[str, str]):
        super().__init__(reason[1])
        self.reason = reason

    @property
    def text(self) -> str:
        return "\n".join(self.reason)


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


def _work_dir(folder: Path, name: str) -> Path:
    """``folder/name``, created if missing; a link there would move files elsewhere."""
    path = folder / name
    with contextlib.suppress(FileExistsError):
        path.mkdir()
    if path.is_symlink() or not path.is_dir():
        raise Refused(LINKED_FOLDER)
    return path


def _claim(path: Path) -> Path | None:
    target = path.parent / "processing" / f"{_stamp()}_{path.name}"
    try:
        path.rename(target)  # renames a link itself, never what it points at
    except FileNotFoundError:
        return None  # another watcher took it
    return target


def _write_reason(path: Path, text: str) -> None:
    # never through a link planted under the name the reason will get
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o640)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text + "\n")


def _finish(claimed: Path, folder: str, error: str = "") -> Path:
    target = claimed.parent.parent / folder / claimed.name
    claimed.rename(target)
    if error:
        _write_reason(target.with_name(target.name + ".error.txt"), error)
    return target


def _inside(path: Path, root: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def _open_claimed(claimed: Path) -> tuple[int, int]:
    """Open the claimed entry without following a link: its descriptor and size.

    ``O_NONBLOCK`` so that a FIFO cannot stall the watcher; ``fstat`` of the open file,
    not of the path, is what decides.
    """
    try:
        fd = os.open(claimed, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(SYMLINK) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(NOT_A_FILE)
        if info.st_nlink != 1:
            raise Refused(HARD_LINK)
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def _refuse(claimed: Path, refusal: Refused) -> Outcome:
    logger.warning("scanner refused %s: %s", claimed, refusal)
    return Outcome(_finish(claimed, "failed", refusal.text), error=refusal.reason[0])


def ingest_file(claimed: Path, department: Department, user) -> Outcome:
    original_name = claimed.name.split("_", 1)[1]
    try:
        fd, size = _open_claimed(claimed)
        with os.fdopen(fd, "rb") as stream:
            stored = ingest.store_original(stream, filename=original_name, length=size)
        document = lifecycle.create(
            stored,
            user=user,
            department=department,
            source=Source.SCANNER,
            check_rights=False,  # whoever may write into a section's folder files there
        )
    except Refused as refusal:
        return _refuse(claimed, refusal)
    except ApiError as exc:
        return Outcome(
            _finish(claimed, "failed", f"{exc.message}\n{exc.message_en}"), error=exc.message
        )
    except Exception as exc:  # the watcher carries on with the next file
        logger.exception("scanner ingest of %s failed", claimed)
        return Outcome(_finish(claimed, "failed", f"取り込みに失敗しました: {exc}"), error=str(exc))
    return Outcome(_finish(claimed, "done"), document_id=document.pk)


def _refuse_linked_folder(root: Path, link: Path) -> Outcome:
    """Move a department folder that is a link out of the way (the link, not its target)."""
    refusal = Refused(LINKED_FOLDER)
    logger.warning("scanner refused the linked folder %s: %s", link, refusal)
    target = _work_dir(root, REFUSED_DIR) / f"{_stamp()}_{link.name}"
    link.rename(target)
    _write_reason(target.with_name(target.name + ".error.txt"), refusal.text)
    return Outcome(target, error=refusal.reason[0])


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as listing:
        return sorted(listing, key=lambda entry: entry.name)


def scan_once(root: Path, *, settle_seconds: float = SETTLE_SECONDS) -> list[Outcome]:
    outcomes = []
    user = None
    now = time.time()
    for entry in _entries(root):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            try:
                outcomes.append(_refuse_linked_folder(root, Path(entry.path)))
            except Refused as refusal:  # .refused/ itself is a link: leave it, unread
                logger.warning("scanner refused %s: %s", entry.path, refusal)
                outcomes.append(Outcome(Path(entry.path), error=refusal.reason[0]))
            continue
        if not entry.is_dir(follow_symlinks=False):
            continue
        folder = Path(entry.path)
        try:
            for name in WORK_DIRS:
                _work_dir(folder, name)
        except Refused as refusal:
            logger.warning("scanner refused the folder %s: %s", folder, refusal)
            outcomes.append(Outcome(folder, error=refusal.reason[0]))
            continue
        department = Department.objects.filter(code=folder.name).first()
        for item in _entries(folder):
            if item.name in WORK_DIRS or item.is_dir(follow_symlinks=False):
                continue
            if now - item.stat(follow_symlinks=False).st_mtime < settle_seconds:
                continue
            claimed = _claim(Path(item.path))
            if claimed is None:
                continue
            if not _inside(claimed.parent, folder):
                outcomes.append(_refuse(claimed, Refused(OUTSIDE)))
                continue
            if department is None:
                message = f"組織コード「{folder.name}」の組織がありません (unknown department)"
                outcomes.append(Outcome(_finish(claimed, "failed", message), error=message))
                continue
            user = user or scanner_user()
            outcomes.append(ingest_file(claimed, department, user))
    return outcomes
