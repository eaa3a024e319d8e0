"""Django settings for Kiroku, read from environment variables (12-factor).

With nothing set, Kiroku runs on its embedded defaults: SQLite, a local-disk object store
and an embedded search index, all under ``var/``. Each variable is documented in
``.env.example``; setting ``DATABASE_URL``, ``KIROKU_SEARCH_URL`` or ``KIROKU_S3_ENDPOINT``
switches that backend to the real service.
"""

import datetime as dt
import hashlib
import hmac
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


def _audit_keys() -> list[str]:
    """The audit chain's HMAC keys, newest first (older ones only verify old entries).

    From ``KIROKU_AUDIT_KEY`` (comma-separated) or ``KIROKU_AUDIT_KEY_FILE`` (one per line).
    The key must live outside the database: whoever holds it can rewrite the trail. A
    deployment that sets its own secret key must set this one too; the embedded quick
    start (``make run``) derives one from its generated secret key under var/.
    """
    keys = env_list("KIROKU_AUDIT_KEY", "")
    if not keys and (key_file := env("KIROKU_AUDIT_KEY_FILE")):
        try:
            lines = Path(key_file).read_text().splitlines()
        except OSError as exc:
            raise ImproperlyConfigured(f"KIROKU_AUDIT_KEY_FILE cannot be read: {exc}") from exc
        keys = [line.strip() for line in lines if line.strip()]
    if keys:
        return keys
    if env("KIROKU_SECRET_KEY"):
        raise ImproperlyConfigured(
            "KIROKU_AUDIT_KEY (or KIROKU_AUDIT_KEY_FILE) must be set in production: the "
            "audit trail's HMAC key, kept outside the database (see docs/security.md)"
        )
    return [hmac.new(SECRET_KEY.encode(), b"kiroku audit trail", hashlib.sha256).hexdigest()]


AUDIT_KEYS = _audit_keys()
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
    "knox",
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
    # Before WhiteNoise, which answers the web app's files itself: they get the headers too.
    "dms.security_headers.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
    # Django's SQLite backend, creating the database file readable by its owner only.
    DATABASES["default"]["ENGINE"] = "dms.sqlite"
    # The web server and the worker share the file: wait on locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # A file, not memory, so that worker subprocesses in tests see the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-kiroku.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Every password check with a request is limited and audited (dms.accounts.login_guard).
AUTHENTICATION_BACKENDS = ["dms.accounts.login_guard.GuardedModelBackend"]
LOGIN_LIMITS = {
    # Failed sign-ins allowed per window, counted per user name and per client address. The
    # address limit is higher: staff behind one proxy or NAT share an address.
    "PER_USER": env_int("KIROKU_LOGIN_FAILURES_PER_USER", 10),
    "PER_ADDRESS": env_int("KIROKU_LOGIN_FAILURES_PER_ADDRESS", 100),
    "WINDOW_SECONDS": env_int("KIROKU_LOGIN_FAILURE_WINDOW_SECONDS", 900),
}

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
WHITENOISE_ALLOW_ALL_ORIGINS = False  # its default sends Access-Control-Allow-Origin: *
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

# --- Audit anchors: the chain's head, written daily and at each disposal to WORM storage -
AUDIT_ANCHOR_PREFIX = "audit-anchors/"
AUDIT_ANCHOR_RETENTION_MODE = env("KIROKU_AUDIT_ANCHOR_RETENTION_MODE", "COMPLIANCE").upper()
AUDIT_ANCHOR_RETENTION_DAYS = env_int("KIROKU_AUDIT_ANCHOR_RETENTION_DAYS", 3653)  # 10 years
AUDIT_ANCHOR_EVERY_HOURS = env_int("KIROKU_AUDIT_ANCHOR_EVERY_HOURS", 24)
if AUDIT_ANCHOR_RETENTION_MODE not in {"COMPLIANCE", "GOVERNANCE"}:
    raise ImproperlyConfigured("KIROKU_AUDIT_ANCHOR_RETENTION_MODE: COMPLIANCE or GOVERNANCE")
if not 1 <= AUDIT_ANCHOR_EVERY_HOURS <= 24:
    raise ImproperlyConfigured("KIROKU_AUDIT_ANCHOR_EVERY_HOURS must be 1 to 24 (at least daily)")

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
            "LEASE_SECONDS": env_int("KIROKU_JOB_LEASE_SECONDS", 30),
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
        "dms.accounts.token_auth.TokenAuthentication",  # knox: Token <token>, stored hashed
        "dms.session_auth.SessionAuthentication",  # CSRF check never parses a multipart body
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "dms.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "dms.renderers.JSONRenderer",  # survives a stored lone surrogate
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
}
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=env_int("KIROKU_API_TOKEN_TTL_HOURS", 24)),
    "TOKEN_LIMIT_PER_USER": env_int("KIROKU_API_TOKENS_PER_USER", 10),
    "AUTO_REFRESH": False,  # a token is renewed only by rotating it: its expiry is real
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kiroku API",
    "DESCRIPTION": "記録 — 自治体向け文書管理システムの REST API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Choice sets that share a field name (kind, state, level) get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "approvals.models.CaseKind",
        "CaseStateEnum": "approvals.models.CaseState",
        "StepKindEnum": "approvals.models.StepKind",
        "StepStateEnum": "approvals.models.StepState",
        "TaskStateEnum": "approvals.models.TaskState",
        "PostLevelEnum": "dms.accounts.models.PostLevel",
        "DepartmentLevelEnum": "dms.accounts.models.DepartmentLevel",
    },
}

# --- E-mail (approvals: a task opened, a case returned or decided) --------------------------
# Through an SMTP server when KIROKU_EMAIL_HOST is set; otherwise written to the log
# (console backend), so that a city without a mail server loses nothing but the mail.
EMAIL_HOST = env("KIROKU_EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("KIROKU_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("KIROKU_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("KIROKU_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("KIROKU_EMAIL_TLS", False)
EMAIL_TIMEOUT = 10  # an action never waits on a slow mail server for long
DEFAULT_FROM_EMAIL = env("KIROKU_EMAIL_FROM", "kiroku@localhost")
# The web app's address, for links in mails (https://kiroku.city.example.jp).
KIROKU_BASE_URL = env("KIROKU_BASE_URL")

# --- HTTPS and browser protections ---------------------------------------------------------
# KIROKU_HTTPS says the site is reached over HTTPS (directly or through a TLS proxy): then
# cookies are sent over HTTPS only, HTTP is redirected and browsers are told (HSTS) to use
# HTTPS for a year. Each part can be set on its own.
HTTPS = env_bool("KIROKU_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("KIROKU_SSL_REDIRECT", HTTPS)
# The container's health check asks over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^api/health/$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("KIROKU_SECURE_COOKIES", HTTPS)
SECURE_HSTS_SECONDS = env_int("KIROKU_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KIROKU_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("KIROKU_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is the domain owner's decision (it is hard to undo), not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Only behind a proxy that sets this header itself (and strips it from clients): e.g.
# X-Forwarded-Proto. Never opt in without such a proxy: a client could claim HTTPS.
_PROXY_SSL_HEADER = env("KIROKU_SECURE_PROXY_SSL_HEADER")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
X_FRAME_OPTIONS = "DENY"
# The web app and the admin load scripts, styles and fonts from this server only; pdf.js
# compiles its WebAssembly decoders ('wasm-unsafe-eval' allows no JavaScript eval).
CONTENT_SECURITY_POLICY = env("KIROKU_CONTENT_SECURITY_POLICY") or (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("KIROKU_LOG_LEVEL", "INFO")},
}

# --- Retention (issue #13): the mode of the Object Lock retention sets on stored objects.
# COMPLIANCE in production (nobody, not even an administrator, shortens it); tests use
# GOVERNANCE so that their buckets can be emptied.
KIROKU_RETENTION_LOCK_MODE = env("KIROKU_RETENTION_LOCK_MODE", "COMPLIANCE").upper()
if KIROKU_RETENTION_LOCK_MODE not in {"COMPLIANCE", "GOVERNANCE"}:
    raise ImproperlyConfigured("KIROKU_RETENTION_LOCK_MODE: COMPLIANCE or GOVERNANCE")

# --- Retention disposition (issue #13: disposal decisions, tombstones, transfer, register) ---
INSTALLED_APPS += ["retention.disposition"]
# Warn when a file is this many months from expiry with its action at expiry still 未定.
KIROKU_DISPOSITION_WARNING_MONTHS = env_int("KIROKU_DISPOSITION_WARNING_MONTHS", 12)

# --- Electronic signatures on decision PDFs (approvals.signing, docs/signing.md) ----------
INSTALLED_APPS += ["approvals.signing"]
# The PKCS#11 module and token holding the staff keys (SoftHSM2 in tests; an HSM or an
# LGPKI card reader's module in production) and the RFC 3161 time-stamping authority.
KIROKU_SIGNING = {
    "PKCS11_MODULE": env("KIROKU_SIGNING_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so"),
    "TOKEN_LABEL": env("KIROKU_SIGNING_TOKEN_LABEL", "kiroku-signing"),
    "PIN": env("KIROKU_SIGNING_PIN", ""),
    "TSA_URL": env("KIROKU_TSA_URL", ""),
    # Root certificates (PEM or DER files, separated by ":") that the TSA's certificate
    # chains to, for verification; Kiroku's own CA is always trusted for signers.
    "TSA_TRUST_ROOTS": [p for p in env("KIROKU_TSA_TRUST_ROOTS").split(":") if p],
    # Kiroku's own issuing CA (created by manage.py setup_signing), or a city's CA whose
    # certificates are imported (docs/signing.md).
    "CA_NAME": env("KIROKU_SIGNING_CA_NAME", "Kiroku 職員署名用認証局"),
    "ORGANIZATION": env("KIROKU_SIGNING_ORGANIZATION", "Kiroku"),
    "CERT_DAYS": env_int("KIROKU_SIGNING_CERT_DAYS", 5 * 366),
}

# --- Extraction: counterparty registry and learning from corrections (issue #14) ---------
INSTALLED_APPS += ["dms.counterparties"]
# The city's own name: with the department tree, never taken as a document's counterparty.
KIROKU_CITY_NAME = env("KIROKU_CITY_NAME", "湊川市")
# Two choice sets share the field name "source" (a document's and an extracted value's).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] |= {
    "DocumentSourceEnum": "dms.documents.models.Source",
    "ExtractedValueSourceEnum": "dms.counterparties.models.Source",
}
