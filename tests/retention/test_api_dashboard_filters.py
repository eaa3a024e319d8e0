"""The file list's filters the records dashboard needs: an expiry window and open files only."""

import pytest
from django.utils import timezone

from retention.models import RecordFile
from tests.retention.conftest import make_file

pytestmark = pytest.mark.django_db


def test_files_expiring_in_a_window_and_still_kept(org, clients):
    expired = make_file(org, "1y", title="平成31年度 旧庁舎管理", fiscal_year=2019)  # 2021-03-31
    this_year = make_file(org, "1y", title="令和7年度 委託", fiscal_year=2025)  # 2027-03-31
    make_file(org, "5y", title="令和7年度 契約", fiscal_year=2025)  # 2031-03-31
    closed = make_file(org, "1y", title="令和7年度 廃棄済", fiscal_year=2025)
    # Disposition closes files; set it here directly (this test is about the list only).
    RecordFile.objects.filter(pk=closed.pk).update(closed_at=timezone.now())

    officer = clients["records"]
    window = {"expires_after": "2026-04-01", "expires_before": "2027-03-31"}
    listed = officer.get("/api/retention/files/", {**window, "closed": "false"}).json()
    assert [f["id"] for f in listed["results"]] == [this_year.pk]
    with_closed = officer.get("/api/retention/files/", window).json()
    assert sorted(f["id"] for f in with_closed["results"]) == sorted([this_year.pk, closed.pk])
    before = officer.get("/api/retention/files/", {"expires_before": "2026-03-31"}).json()
    assert [f["id"] for f in before["results"]] == [expired.pk]
    only_closed = officer.get("/api/retention/files/", {"closed": "true"}).json()
    assert [f["id"] for f in only_closed["results"]] == [closed.pk]
