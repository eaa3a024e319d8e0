"""The transfer package (移管): a BagIt bag (RFC 8493, library ``bagit``) for the archives.

Layout under ``data/``::

    register.csv, register.json          the files' register rows (ファイル管理簿)
    files/<file>/<document>/v<n>/original/<name>, …/archive.pdf
    audit/document-<id>.json             the documents' audit entries, hash chain included
    decisions/case-<id>/events.json      each approvals case that names a document (and the
    decisions/case-<id>/body.pdf         disposal decision itself): its events, signature
                                         state, and the decided body's latest version

A document no case refers to has no decision evidence; ``bag-info.txt`` lists those
(``Kiroku-Documents-Without-Case``) rather than failing. The bag is built in a temporary
directory, tarred (gzip) and stored under ``transfers/`` through the storage protocol.
"""

from __future__ import annotations

import json
import re
import shutil
import tarfile
import tempfile
from pathlib import Path

import bagit
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q

from dms.audit.models import AuditEntry
from dms.documents.models import Document, Version
from dms.storage import get_object_store
from retention.register import rows as register
from retention.register.writers import csv_stream

PREFIX = "transfers/"


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(". ") or "original"


def _copy(store, key: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = store.open(key)
    try:
        with target.open("wb") as out:
            shutil.copyfileobj(reader, out, 1024 * 1024)
    finally:
        reader.close()


def _write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(value, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder), encoding="utf-8"
    )


def _cases(document_ids: list[int], decision_case_id: int | None):
    from approvals.models import Case

    return (
        Case.objects.filter(
            Q(body_id__in=document_ids)
            | Q(attachments__document_id__in=document_ids)
            | Q(pk=decision_case_id)
        )
        .distinct()
        .order_by("pk")
    )


def _case_evidence(case, root: Path, store) -> set[int]:
    folder = root / "decisions" / f"case-{case.pk}"
    events = case.events.order_by("created_at", "id").values(
        "action",
        "actor__username",
        "capacity",
        "comment",
        "created_at",
        "audit_sequence",
        "pdf_sha256_before",
        "pdf_sha256_after",
        "signature_state",
    )
    _write_json(
        folder / "events.json",
        {
            "case": case.pk,
            "title": case.title,
            "state": case.state,
            "decision_level": case.decision_level,
            "decided_at": case.decided_at,
            "events": list(events),
        },
    )
    latest = case.body.versions.select_related("blob").order_by("-number").first()
    if latest is not None and not case.body.is_destroyed:
        _copy(store, latest.archive_key or latest.blob.key, folder / "body.pdf")
    return {d.pk for d in case.documents()}


def build(proposal, record_files) -> str:
    """Build, validate and store the bag of ``record_files``; return its storage key."""
    store = get_object_store()
    file_ids = [f.pk for f in record_files]
    documents = list(Document.objects.filter(retention__record_file_id__in=file_ids).order_by("pk"))
    with tempfile.TemporaryDirectory(prefix="kiroku-transfer-") as tmp:
        root = Path(tmp) / f"proposal-{proposal.pk}"
        root.mkdir()
        file_rows = list(
            register.register_rows(register.registered_files().filter(pk__in=file_ids))
        )
        (root / "register.csv").write_bytes(b"".join(csv_stream(file_rows, register.COLUMNS)))
        _write_json(root / "register.json", file_rows)
        versions = Version.objects.filter(document__in=documents).select_related(
            "blob", "document__retention"
        )
        for version in versions.order_by("document_id", "number"):
            document = version.document
            folder = (
                root
                / "files"
                / str(document.retention.record_file_id)
                / str(document.pk)
                / f"v{version.number}"
            )
            name = _safe(version.original_filename)
            _copy(store, version.blob.key, folder / "original" / name)
            if version.archive_key:
                _copy(store, version.archive_key, folder / "archive.pdf")
        for document in documents:
            entries = AuditEntry.objects.filter(document_id=document.pk).order_by("sequence")
            _write_json(root / "audit" / f"document-{document.pk}.json", list(entries.values()))
        covered: set[int] = set()
        for case in _cases([d.pk for d in documents], proposal.case_id):
            covered |= _case_evidence(case, root, store)
        without = [str(d.pk) for d in documents if d.pk not in covered]
        bag = bagit.make_bag(
            str(root),
            {
                "Source-Organization": "Kiroku",
                "External-Description": f"移管 {proposal.reference}",
                "External-Identifier": proposal.reference,
                "Kiroku-Files": ",".join(str(pk) for pk in file_ids),
                "Kiroku-Documents-Without-Case": ",".join(without) or "none",
            },
            checksums=["sha256"],
        )
        bag.validate()  # what the archives will check, before it leaves
        archive = Path(tmp) / "package.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(root, arcname=root.name)
        key = f"{PREFIX}proposal-{proposal.pk}.tar.gz"
        with archive.open("rb") as stream:
            store.put(key, stream, length=archive.stat().st_size, content_type="application/gzip")
    return key
