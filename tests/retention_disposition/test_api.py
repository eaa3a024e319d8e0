"""The disposition and register API: who may act, refusals, the streamed exports."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from retention.disposition.models import ProposalState, Tombstone
from retention.models import Extension
from tests.documents.conftest import client_for, run_jobs
from tests.retention_disposition.conftest import make_file

pytestmark = pytest.mark.django_db
BASE = "/api/retention/disposition/"


def test_staff_cannot_see_the_queue_or_propose(org, clients):
    expired = make_file(org, expiry=dt.date(2019, 3, 31))
    assert clients["tanaka"].get(BASE + "queue/").status_code == 403
    refused = clients["tanaka"].post(
        BASE + "proposals/", {"files": [expired.pk], "method": "destroy"}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == "not_records_officer"
    assert refused.json()["message"] and refused.json()["message_en"]


def test_refusals_for_a_file_under_hold_or_before_expiry(org, clients):
    held = make_file(org, expiry=dt.date(2019, 3, 31), open_hold=True, effective_expiry=None)
    current = make_file(org, expiry=dt.date(2035, 3, 31))
    for record_file, code in [(held, "file_on_hold"), (current, "not_expired")]:
        answer = clients["records"].post(
            BASE + "proposals/", {"files": [record_file.pk], "method": "destroy"}, format="json"
        )
        assert answer.status_code == 409, answer.content
        assert (answer.json()["error"], answer.json()["file"]) == (code, record_file.pk)


def test_queue_propose_approve_execute_through_the_api(store, org, clients, officers):
    expired = make_file(org, expiry=dt.date(2019, 3, 31))  # a paper file: no objects
    expired.medium = "paper"
    expired.save()
    queue = clients["records"].get(BASE + "queue/").json()
    assert [row["id"] for row in queue["results"]] == [expired.pk]
    created = clients["records"].post(
        BASE + "proposals/", {"files": [expired.pk], "method": "destroy"}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    too_early = clients["records"].post(f"{BASE}proposals/{pk}/execute/")
    assert too_early.status_code == 409 and too_early.json()["error"] == "wrong_state"
    second = client_for(officers["records2"])
    assert second.post(f"{BASE}proposals/{pk}/approve/").json()["state"] == "approved"
    with django_capture_on_commit():
        assert clients["records"].post(f"{BASE}proposals/{pk}/execute/").status_code == 200
    run_jobs()
    detail = clients["records"].get(f"{BASE}proposals/{pk}/").json()
    assert detail["state"] == ProposalState.DONE
    tombstones = clients["records"].get(BASE + "tombstones/").json()["results"]
    assert [t["record_file"] for t in tombstones] == [expired.pk]
    assert Tombstone.objects.get().register_row["medium"] == "紙"
    # A destruction has no transfer package; staff cannot ask for one either.
    missing = clients["records"].get(f"{BASE}proposals/{pk}/package/")
    assert (missing.status_code, missing.json()["error"]) == (404, "no_package")
    assert clients["tanaka"].get(f"{BASE}proposals/{pk}/package/").status_code == 403


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_register_exports_stream_with_wareki_and_cumulative_period(org, clients):
    five = make_file(org, title="=危険な名称", expiry=dt.date(2029, 3, 31), fiscal_year=2023)
    Extension.objects.create(record_file=five, years=3, reason="事業継続")
    make_file(org, code="under-1y", title="1年未満", expiry=dt.date(2025, 3, 31), fiscal_year=2024)
    make_file(org, title="契約課の簿冊", custodian=org["keiyaku"], fiscal_year=2023)
    answer = clients["tanaka"].get(BASE + "register.csv")
    assert answer.status_code == 200 and answer.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert [row["名称(小分類)"] for row in rows] == ["'=危険な名称"]  # own section, registered
    row = rows[0]
    assert (row["保存期間"], row["起算日"], row["起算日(和暦)"]) == (
        "8年",
        "2024-04-01",
        "令和6年4月1日",
    )
    assert (row["保存期間満了日"], row["保存期間満了日(和暦)"]) == ("2029-03-31", "令和11年3月31日")
    everything = clients["records"].get(BASE + "register.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(everything.streaming_content))).active
    titles = sorted(r[4] for r in sheet.iter_rows(min_row=2, values_only=True))
    assert titles == ["'=危険な名称", "契約課の簿冊"]
    public = clients["suzuki"].get(BASE + "register.csv?public=1&encoding=cp932")
    text = b"".join(public.streaming_content).decode("cp932")
    header = text.splitlines()[0].split(",")
    assert "ファイルID" not in header and "状態" not in header and "年度" in header
    assert len(text.splitlines()) == 3
