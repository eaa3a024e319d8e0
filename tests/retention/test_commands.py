"""load_retention_schedule with good and bad files; retention_check and the locks on the
real S3 server (versitygw)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from minio.error import S3Error

from dms.storage import get_object_store
from retention import locks, services
from retention.models import HoldType, RetentionClass
from tests.retention.conftest import make_document, make_file, run_jobs
from tests.storage.helpers import app_client, raw_client

pytestmark = pytest.mark.django_db

CITY_CSV = """code,name,name_en,duration,unit,start_rule,action,registered
eikyu,永久,Permanent,,permanent,next_fiscal_year,transfer,yes
10,10年,10 years,10,years,next_fiscal_year,transfer,yes
5,5年,5 years,5,years,next_fiscal_year,destroy,yes
3,3年,3 years,3,years,next_calendar_year,destroy,yes
1,1年,1 year,1,years,day_after_completion,destroy,no
"""


def test_another_citys_schedule_loads_without_code(tmp_path):
    path = tmp_path / "city.csv"
    path.write_text(CITY_CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("load_retention_schedule", str(path), stdout=out)
    assert "5 classes created" in out.getvalue()
    three = RetentionClass.objects.get(code="3")
    assert (three.duration, three.start_rule, three.action) == (3, "next_calendar_year", "destroy")
    assert RetentionClass.objects.get(code="1").registered is False


@pytest.mark.parametrize(
    ("name", "text", "line", "says"),
    [
        ("bad.csv", CITY_CSV.replace("3,3年,3 years,3,", "3,3年,3 years,three,"), 5, "duration"),
        ("bad.csv", CITY_CSV.replace("destroy,no", "burn,no"), 6, "action 'burn'"),
        ("bad.csv", CITY_CSV + "5,五年,,5,years,,,\n", 7, "appears twice"),
        (
            "bad.yaml",
            "classes:\n  - {code: a, name: A, duration: 5, unit: years}\n"
            "  - {code: b, name: B, duration: 5, unit: decades}\n",
            3,
            "unit 'decades'",
        ),
    ],
)
def test_a_bad_schedule_names_its_line_and_changes_nothing(tmp_path, name, text, line, says):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = list(RetentionClass.objects.order_by("pk").values())
    with pytest.raises(CommandError) as failed:
        call_command("load_retention_schedule", str(path))
    assert f"line {line}:" in str(failed.value) and says in str(failed.value)
    assert "nothing was changed" in str(failed.value)
    assert list(RetentionClass.objects.order_by("pk").values()) == before


def test_default_schedule_file_loads_again_unchanged():
    from pathlib import Path

    import retention

    path = Path(retention.__file__).parent / "schedules" / "default.yaml"
    out = io.StringIO()
    call_command("load_retention_schedule", str(path), stdout=out)
    assert "0 classes created, 9 updated" in out.getvalue()


@pytest.fixture
def held_on_s3(org, s3_store):
    document = make_document(org["tanaka"], org["bunsho"], "訴訟記録")
    record_file = make_file(org, code="5y", fiscal_year=2025)
    services.classify(document, record_file=record_file, user=org["records"])
    services.add_hold(
        record_file=record_file,
        hold_type=HoldType.LITIGATION,
        reference="令和8年(ワ)第123号",
        started_on=dt.date(2026, 11, 1),
        user=org["records"],
    )
    run_jobs()
    return document


def test_a_locked_version_cannot_be_deleted_through_the_s3_api(held_on_s3, settings):
    store = get_object_store()
    key, version_id = next(locks.stored_objects(held_on_s3))
    assert store.get_legal_hold(key, version_id)
    assert store.get_retention(key, version_id).until == locks.lock_until(dt.date(2031, 3, 31))
    bucket = settings.OBJECT_STORE["BUCKET"]
    for client in (app_client(), raw_client()):
        with pytest.raises(S3Error):
            client.remove_object(bucket, key, version_id=version_id)
    assert store.exists(key, version_id)


def test_retention_check_finds_and_repairs_a_change_behind_kirokus_back(held_on_s3, settings):
    store = get_object_store()
    key, version_id = next(locks.stored_objects(held_on_s3))
    raw_client().disable_object_legal_hold(
        settings.OBJECT_STORE["BUCKET"], key, version_id=version_id
    )
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("retention_check", "--report-only", stdout=out)
    assert f"{key} {version_id}: legal_hold differs (store False, wanted True)" in out.getvalue()
    assert not store.get_legal_hold(key, version_id)
    out = io.StringIO()
    call_command("retention_check", stdout=out)
    assert "legal_hold repaired" in out.getvalue()
    assert store.get_legal_hold(key, version_id)
    out = io.StringIO()
    call_command("retention_check", "--report-only", stdout=out)
    assert "0 differences" in out.getvalue()


def test_the_lock_job_is_retried_while_the_store_is_down(org, local_store, settings):
    from dms.jobs.models import Job, JobStatus

    document = make_document(org["tanaka"], org["bunsho"], "停止中")
    down = {**settings.OBJECT_STORE, "BACKEND": "s3", "ENDPOINT": "http://127.0.0.1:9"}
    with override_settings(OBJECT_STORE=down):
        from dms.storage import reset_object_store

        reset_object_store()
        services.classify(
            document, retention_class=RetentionClass.objects.get(code="3y"), user=org["records"]
        )
        run_jobs(limit=5)
    reset_object_store()
    job = Job.objects.filter(task_path="retention.tasks.sync_store_lock").latest("pk")
    assert job.status == JobStatus.READY and job.attempts >= 1  # waiting for its retry
