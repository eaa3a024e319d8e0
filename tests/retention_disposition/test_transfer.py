"""Transfer (移管): a BagIt bag that validates, then tombstones once the archives confirm."""

import csv
import datetime as dt
import io
import json
import tarfile
import time

import bagit
import pytest

from dms.documents.models import Document
from dms.storage import get_object_store
from retention.disposition import services
from retention.disposition.models import ProposalState, Tombstone
from tests.documents.conftest import pdf_bytes, run_jobs
from tests.documents.test_api import upload
from tests.retention_disposition.conftest import classify, make_file

pytestmark = pytest.mark.django_db
BASE = "/api/retention/disposition/"


def test_transfer_package_is_a_valid_bag_and_receipt_leaves_tombstones(
    brief_retention, clients, org, officers, tmp_path
):
    documents = [
        Document.objects.get(pk=upload(clients["tanaka"], pdf_bytes(n + 2)).json()["id"])
        for n in range(2)
    ]
    run_jobs()  # archive PDFs exist
    record_file = make_file(org, title="昭和の都市計画図綴り", expiry=dt.date(2019, 3, 31))
    for document in documents:
        classify(document, record_file)
    versions = [d.versions.select_related("blob").get() for d in documents]
    proposal = services.propose(user=officers["records"], files=[record_file], method="transfer")
    services.approve(proposal, user=officers["records2"])
    proposal = services.execute(proposal.pk)
    assert proposal.state == ProposalState.AWAITING_RECEIPT and proposal.package_key
    assert not Tombstone.objects.exists()  # nothing goes before the archives confirm

    answer = clients["records"].get(f"{BASE}proposals/{proposal.pk}/package/")
    assert answer.status_code == 200
    with tarfile.open(fileobj=io.BytesIO(b"".join(answer.streaming_content))) as tar:
        tar.extractall(tmp_path, filter="data")
    root = tmp_path / f"proposal-{proposal.pk}"
    bag = bagit.Bag(str(root))
    bag.validate()  # every payload file against its SHA-256 manifest (RFC 8493)
    assert bag.info["External-Identifier"] == f"proposal:{proposal.pk}"
    # No approvals case names these documents: said so, not failed.
    assert bag.info["Kiroku-Documents-Without-Case"] == ",".join(str(d.pk) for d in documents)
    manifest = {path: digest for path, digest in bag.payload_entries().items()}
    for version in versions:
        originals = [
            p
            for p in manifest
            if p.startswith(f"data/files/{record_file.pk}/{version.document_id}/v1/original/")
        ]
        assert [manifest[p]["sha256"] for p in originals] == [version.blob.sha256]
        archive = f"data/files/{record_file.pk}/{version.document_id}/v1/archive.pdf"
        assert (archive in manifest) == bool(version.archive_key)  # when one was made
        audit = json.loads(
            (root / "data" / "audit" / f"document-{version.document_id}.json").read_text()
        )
        assert audit and {e["document_id"] for e in audit} == {version.document_id}
    register = list(
        csv.DictReader(io.StringIO((root / "data" / "register.csv").read_text("utf-8-sig")))
    )
    assert [row["名称(小分類)"] for row in register] == ["昭和の都市計画図綴り"]
    assert json.loads((root / "data" / "register.json").read_text())[0]["id"] == record_file.pk

    store = get_object_store()
    time.sleep(brief_retention + 1.5)  # the originals' brief lock runs out
    refused = clients["tanaka"].post(f"{BASE}proposals/{proposal.pk}/receipt/")
    assert refused.status_code == 403
    done = clients["records"].post(f"{BASE}proposals/{proposal.pk}/receipt/")
    assert done.status_code == 200 and done.json()["state"] == ProposalState.DONE
    tombstone = Tombstone.objects.get(record_file=record_file)
    assert tombstone.method == "transfer" and tombstone.register_row["status"] == "移管済"
    assert sorted(h["sha256"] for h in tombstone.hashes) == sorted(v.blob.sha256 for v in versions)
    assert not any(store.list_versions(v.blob.key) for v in versions)
    assert all(Document.objects.get(pk=d.pk).is_destroyed for d in documents)
