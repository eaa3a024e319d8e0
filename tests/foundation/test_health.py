"""/api/health/ and check_services, on the real services and on the embedded defaults."""

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from rest_framework.test import APIClient

from search.engine import engine_probes
from tests import services

ROOT = Path(__file__).resolve().parents[2]
SERVICE_VARS = [
    "DATABASE_URL",
    "KIROKU_S3_ENDPOINT",
    "KIROKU_SEARCH_URL",
    "KIROKU_ELASTICSEARCH_URL",
    "KIROKU_OPENSEARCH_URL",
]


@pytest.mark.postgres
@pytest.mark.s3
@pytest.mark.elasticsearch
@pytest.mark.opensearch
@pytest.mark.tesseract
@pytest.mark.django_db
def test_health_reports_every_real_backend_healthy():
    for name in services.SERVICES:
        services.require(name)
    response = administrator().get("/api/health/")
    body = response.json()
    assert response.status_code == 200, body
    found = body["services"]
    assert found["database"]["backend"] == "postgresql"
    assert found["database"]["version"].startswith("15")
    assert found["object_store"]["backend"] == "s3"
    assert found["object_store"]["capabilities"]["object_lock"] is True
    assert found["job_queue"]["status"] == "ok"
    assert found["search_opensearch"]["backend"] == "opensearch"
    assert found["search_opensearch"]["capabilities"]["analysis"] == "kuromoji+bigram"
    assert found["search_elasticsearch"]["backend"] == "elasticsearch"
    assert sorted(found["tesseract"]["capabilities"]["languages"]) == [
        "eng",
        "jpn",
        "jpn_vert",
        "osd",
    ]
    assert all(service["status"] == "ok" for service in found.values())


@pytest.mark.django_db
def test_health_answers_503_and_names_the_backend_that_is_down(tmp_path):
    with override_settings(
        SEARCH={"URL": "http://127.0.0.1:1", "ENGINES": {}, "INDEX_DIR": str(tmp_path)},
        OBJECT_STORE={"BACKEND": "local", "ROOT": str(tmp_path / "objects")},
    ):
        response = administrator().get("/api/health/")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["services"]["search"]["status"] == "down"
    assert "127.0.0.1:1" in body["services"]["search"]["detail"]
    assert body["services"]["object_store"]["status"] == "ok"


@pytest.mark.django_db
def test_health_and_check_services_list_the_same_probes_in_the_same_order():
    # the core first (whichever app registers it: the job queue comes from dms.jobs), then
    # search and its further engines as the search app registers them
    expected = ["database", "object_store", "job_queue", "tesseract", "search"]
    expected += list(engine_probes())
    expected += ["signing"]  # approvals.signing, registered after search

    body = APIClient().get("/api/health/").json()
    output = io.StringIO()
    with contextlib.suppress(CommandError):  # a service down here still lists every probe
        call_command("check_services", stdout=output)

    assert list(body["services"]) == expected
    assert [line.split()[1] for line in output.getvalue().splitlines()] == expected


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served():
    assert APIClient().get("/api/schema/").status_code == 200
    docs = APIClient().get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()  # assets served locally: Kiroku runs offline


def _embedded_env(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(KIROKU_VAR_DIR=str(tmp_path), **extra)
    return env


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.tesseract
def test_embedded_defaults_need_no_service(tmp_path):
    services.require("tesseract")
    env = _embedded_env(tmp_path)
    assert _manage("migrate", "--noinput", env=env).returncode == 0
    checked = _manage("check_services", env=env)
    assert checked.returncode == 0, checked.stderr
    assert "sqlite" in checked.stdout
    assert "local" in checked.stdout
    assert "embedded" in checked.stdout and "analysis=bigram" in checked.stdout
    assert (tmp_path / "kiroku.sqlite3").exists()


def test_check_services_names_the_missing_service(tmp_path):
    env = _embedded_env(tmp_path, KIROKU_SEARCH_URL="http://127.0.0.1:1")
    _manage("migrate", "--noinput", env=env)
    checked = _manage("check_services", env=env)
    assert checked.returncode != 0
    assert "search" in checked.stderr and "127.0.0.1:1" in checked.stderr


@pytest.mark.tesseract
@pytest.mark.django_db
def test_failing_jobs_make_health_degraded_not_down(tmp_path):
    """Every backend answers but jobs are failing: 200 "degraded" with the backlog, and
    check_services warns and exits 0 (the app still works; monitoring should look)."""
    from dms.jobs.models import Job, JobStatus

    services.require("tesseract")
    Job.objects.create(
        task_path="search.tasks.index_document",
        status=JobStatus.READY,
        attempts=2,
        last_error="search engine unreachable",
    )
    with override_settings(
        SEARCH={"URL": "", "ENGINES": {}, "INDEX_DIR": str(tmp_path)},
        OBJECT_STORE={"BACKEND": "local", "ROOT": str(tmp_path / "objects")},
    ):
        response = administrator().get("/api/health/")
        stdout, stderr = io.StringIO(), io.StringIO()
        call_command("check_services", stdout=stdout, stderr=stderr)  # no CommandError
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    queue = body["services"]["job_queue"]
    assert queue["capabilities"]["retrying"]["search.tasks.index_document"]["count"] == 1
    assert "WARN job_queue" in stdout.getvalue()
    assert "degraded" in stderr.getvalue() and "index_document" in stderr.getvalue()


def administrator() -> APIClient:
    from dms.accounts.models import Role, User

    client = APIClient()
    client.force_authenticate(User.objects.create_user("health-admin", role=Role.ADMINISTRATOR))
    return client


@pytest.mark.django_db
def test_health_tells_others_only_up_or_down(tmp_path):
    """Versions, endpoints and error text are for administrators (and check_services)."""
    from dms.accounts.models import User

    staff = APIClient()
    staff.force_authenticate(User.objects.create_user("health-staff"))
    with override_settings(
        SEARCH={"URL": "http://127.0.0.1:1", "ENGINES": {}, "INDEX_DIR": str(tmp_path)},
        OBJECT_STORE={"BACKEND": "local", "ROOT": str(tmp_path / "objects")},
    ):
        for client in (APIClient(), staff):
            response = client.get("/api/health/")
            assert response.status_code == 503
            body = response.json()
            assert body["services"]["search"] == {"status": "down"}
            assert all(set(service) == {"status"} for service in body["services"].values())
            assert "127.0.0.1:1" not in response.content.decode()
        full = administrator().get("/api/health/").json()
    assert "127.0.0.1:1" in full["services"]["search"]["detail"]
