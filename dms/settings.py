"""Django settings for Kiroku, read from environment variables (12-factor).

With nothing set, Kiroku runs on its embedded defaults: SQLite, a local-disk object store
and an embedded search index, all under ``var/``. Each variable is documented in
``.env.example``; setting ``DATABASE_URL``, ``KIROKU_SEARCH_URL`` or ``KIROKU_S3_ENDPOINT``
switches that backend to the real service.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("KIROKU_VAR_DIR") or BASE_DIR / "var")


def _secret_key() -> str:
    """An explicit key wins; the embedded quick start keeps a generated one under var/."""
    key = env("KIROKU_SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("KIROKU_DEBUG", False)
ALLOWED_HOSTS = env_list("KIROKU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("KIROKU_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "drf_spectacular_sidecar",  # Swagger UI assets served locally: Kiroku runs offline (LGWAN)
    "django_tasks",
    "dms",
    "dms.accounts",
    "dms.jobs",
    "dms.audit",
    "dms.documents",
    "search",
    "approvals",
    "retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "dms.urls"
WSGI_APPLICATION = "dms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite under var/ unless DATABASE_URL names a server -----------------------
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kiroku.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share the file: wait on locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # A file, not memory, so that worker subprocesses in tests see the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-kiroku.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time: Japanese first, times in JST -------------------------------------
LANGUAGE_CODE = env("KIROKU_LANGUAGE", "ja")
LANGUAGES = [("ja", "日本語"), ("en", "English")]
TIME_ZONE = env("KIROKU_TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# The staff web app, built by `npm run build` in frontend/ (see dms/frontend.py).
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.exists() else None
WHITENOISE_INDEX_FILE = True
# Vite's hashed bundles never change: let browsers keep them for good.
WHITENOISE_IMMUTABLE_FILE_TEST = (
    r"^/(?:assets/.+-[\w-]{8}\.(?:js|mjs|css)|static/.+\.[0-9a-f]{12}\.\w+)$"
)

# --- Object store: local disk under var/objects unless KIROKU_S3_ENDPOINT is set ----------
S3_ENDPOINT = env("KIROKU_S3_ENDPOINT")
OBJECT_STORE = {
    "BACKEND": "s3" if S3_ENDPOINT else "local",
    "ROOT": env("KIROKU_OBJECTS_DIR") or str(VAR_DIR / "objects"),
    "ENDPOINT": S3_ENDPOINT,
    "ACCESS_KEY": env("KIROKU_S3_ACCESS_KEY"),
    "SECRET_KEY": env("KIROKU_S3_SECRET_KEY"),
    "BUCKET": env("KIROKU_S3_BUCKET", "kiroku"),
    "REGION": env("KIROKU_S3_REGION", "us-east-1"),
    # Object Lock for every new version (both stores; the bucket's default rule must match,
    # see docs/security.md): COMPLIANCE, 365 days, never more than the shortest legal
    # retention (1 year from the next April 1), so no document outlives its own by it.
    "DEFAULT_RETENTION_MODE": env("KIROKU_DEFAULT_RETENTION_MODE", "COMPLIANCE").upper(),
    "DEFAULT_RETENTION_DAYS": env_int("KIROKU_DEFAULT_RETENTION_DAYS", 365),
}
# An upload is locked this long until it is recorded (then for the default retention);
# an upload that is not recorded (refused, duplicate) is removed when this ends.
UPLOAD_QUARANTINE_SECONDS = env_int("KIROKU_UPLOAD_QUARANTINE_SECONDS", 24 * 60 * 60)

# --- Search: embedded index under var/index unless KIROKU_SEARCH_URL is set ----------------
SEARCH = {
    "URL": env("KIROKU_SEARCH_URL"),
    # Further engines to check and test against (the contract suite runs on each).
    "ENGINES": {
        name: url
        for name, url in (
            ("elasticsearch", env("KIROKU_ELASTICSEARCH_URL")),
            ("opensearch", env("KIROKU_OPENSEARCH_URL")),
        )
        if url
    },
    "INDEX_DIR": env("KIROKU_INDEX_DIR") or str(VAR_DIR / "index"),
    "INDEX_PREFIX": env("KIROKU_SEARCH_INDEX_PREFIX", "kiroku"),
}

# --- OCR ----------------------------------------------------------------------------------
TESSERACT_CMD = env("KIROKU_TESSERACT_CMD", "tesseract")
OCR_LANGUAGES_REQUIRED = ["jpn", "jpn_vert", "eng", "osd"]

# --- Jobs: Django's Tasks API on the database, with leases and retries (dms.jobs) --------
TASKS = {
    "default": {
        "BACKEND": "dms.jobs.backend.DatabaseBackend",
        # "search" keeps indexing from waiting behind OCR; workers take every queue
        # unless told otherwise (run_worker --queue).
        "QUEUES": ["default", "search"],
        "OPTIONS": {
            "LEASE_SECONDS": env_int("KIROKU_JOB_LEASE_SECONDS", 300),
            "MAX_ATTEMPTS": env_int("KIROKU_JOB_MAX_ATTEMPTS", 3),
            "BACKOFF_SECONDS": env_int("KIROKU_JOB_BACKOFF_SECONDS", 10),
        },
    }
}

# --- Ingest -------------------------------------------------------------------------------
UPLOAD_MAX_BYTES = env_int("KIROKU_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
MAX_PAGES = env_int("KIROKU_MAX_PAGES", 2000)
MAX_IMAGE_PIXELS = env_int("KIROKU_MAX_IMAGE_PIXELS", 150_000_000)  # A0 at 300 dpi is ~140M
SCANNER_DIR = env("KIROKU_SCANNER_DIR") or str(VAR_DIR / "scanner")

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "dms.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kiroku API",
    "DESCRIPTION": "記録 — 自治体向け文書管理システムの REST API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("KIROKU_LOG_LEVEL", "INFO")},
}
