"""Production protections: `check --deploy` is clean with the compose configuration, every
page carries the CSP and frame headers (also those WhiteNoise serves), no open CORS, and the
SQLite database is private to its owner."""

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.test import Client, override_settings

from dms.sqlite.base import DatabaseWrapper, private_file

ROOT = Path(__file__).resolve().parents[2]


def _compose_environment(tmp_path) -> dict[str, str]:
    """The web service's variables as compose resolves them with only the required ones set."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    required = {
        "KIROKU_SECRET_KEY": secrets.token_urlsafe(50),
        "KIROKU_AUDIT_KEY": secrets.token_urlsafe(32),
        "MINIO_ROOT_PASSWORD": secrets.token_urlsafe(20),
        "POSTGRES_ADMIN_PASSWORD": secrets.token_urlsafe(20),
        "POSTGRES_AUDIT_OWNER_PASSWORD": secrets.token_urlsafe(20),
        "KIROKU_S3_APP_SECRET_KEY": secrets.token_urlsafe(20),
        "KIROKU_ALLOWED_HOSTS": "kiroku.example.lg.jp",
    }

    def resolve(value) -> str:
        def one(match):
            name, operator, default = match.groups()
            if name in required:
                return required[name]
            assert operator == ":-", f"{name} must be set for compose"
            return default

        return re.sub(r"\$\{(\w+)(:-|:\?)([^}]*)\}", one, str(value))

    environment = {
        name: resolve(value) for name, value in compose["services"]["web"]["environment"].items()
    }
    return environment | {"KIROKU_VAR_DIR": str(tmp_path)}


def _run(code_or_args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path):
    checked = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _compose_environment(tmp_path),
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "WARNINGS" not in checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in [
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER", "DEBUG"]}))
"""


def _settings(env) -> dict:
    shown = _run(["-c", SHOW_SETTINGS], {"DJANGO_SETTINGS_MODULE": "dms.settings"} | env)
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def test_https_settings_come_from_the_environment(tmp_path):
    production = _settings(_compose_environment(tmp_path))
    assert production == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "DEBUG": False,
    }
    # The embedded quick start runs on plain HTTP on a desk: nothing forces HTTPS there,
    # and no proxy header is trusted unless asked for.
    local = _settings({"KIROKU_VAR_DIR": str(tmp_path)})
    assert local["SECURE_SSL_REDIRECT"] is False and local["SECURE_HSTS_SECONDS"] == 0
    assert local["SESSION_COOKIE_SECURE"] is False and local["SECURE_PROXY_SSL_HEADER"] is None


def _assert_protected(response) -> None:
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response.get("Access-Control-Allow-Origin") is None


@pytest.mark.django_db
def test_the_web_app_and_its_files_carry_csp_and_frame_headers(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>記録</title>", encoding="utf-8")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-abcdefgh.js").write_text("console.log(1)")
    with override_settings(FRONTEND_DIST=tmp_path, WHITENOISE_ROOT=tmp_path):
        client = Client()  # a new client builds the middleware (WhiteNoise) afresh
        by_whitenoise = client.get("/")
        assert by_whitenoise.status_code == 200
        assert type(by_whitenoise).__name__ == "WhiteNoiseFileResponse"  # not a Django view
        _assert_protected(by_whitenoise)
        _assert_protected(client.get("/assets/index-abcdefgh.js"))
        _assert_protected(client.get("/documents/12"))  # the app's own route, by dms.frontend
        _assert_protected(client.get("/api/auth/csrf/"))
        _assert_protected(client.get("/api/docs/"))


def test_the_swagger_page_has_no_inline_script(db):
    page = Client().get("/api/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", page)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_sqlite_database_is_created_readable_by_its_owner_only(tmp_path):
    name = tmp_path / "kiroku.sqlite3"
    wrapper = DatabaseWrapper({**_sqlite_settings(), "NAME": str(name)}, alias="private-test")
    previous = os.umask(0o022)  # the usual umask: SQLite alone would create it 0644
    try:
        connection = wrapper.get_new_connection(wrapper.get_connection_params())
        connection.execute("CREATE TABLE t (x integer)")
        connection.close()
    finally:
        os.umask(previous)
    assert _mode(name) == 0o600


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    name = tmp_path / "old.sqlite3"
    name.write_bytes(b"")
    name.chmod(0o644)
    private_file(name)
    assert _mode(name) == 0o600
    private_file(":memory:")  # nothing to do, no error


def _sqlite_settings() -> dict:
    return {
        "ENGINE": "dms.sqlite",
        "OPTIONS": {},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
