"""Health of every backend Kiroku depends on.

Each backend is checked by a *probe*: a function returning a :class:`ProbeResult`.
``dms`` registers its own (database, object store, Tesseract); ``dms.jobs`` (the job
queue), ``search`` and the rest add theirs from ``AppConfig.ready()`` through
:func:`register_probe`, so this module imports none of them. ``GET /api/health/`` and
``manage.py check_services`` both report :func:`run_probes`: the core services first, in
the order of :data:`CORE_PROBES`, then the others in the order they were registered.

Three states: ``ok``; ``down`` when a backend does not answer (``/api/health/`` answers
503, ``check_services`` exits non-zero); ``degraded`` when every backend answers but work
is backing up, e.g. jobs failing and waiting for their retry (200 with
``"status": "degraded"``: the app serves requests, so a load balancer must keep it, while
monitoring should alert; ``check_services`` prints a warning and exits 0).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import connection

OK = "ok"
DEGRADED = "degraded"
DOWN = "down"


@dataclass
class ProbeResult:
    status: str  # OK, DEGRADED or DOWN
    backend: str  # which implementation answers, e.g. "postgresql", "s3", "opensearch"
    version: str = ""
    detail: str = ""  # for a person: what is wrong, or what was found
    capabilities: dict = field(default_factory=dict)
    elapsed_ms: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


Probe = Callable[[], ProbeResult]
_probes: dict[str, Probe] = {}

# Listed first and in this order whichever app registers them (apps are ready in
# INSTALLED_APPS order, and ``dms.jobs`` comes after ``dms``).
CORE_PROBES = ("database", "object_store", "job_queue", "tesseract")


def register_probe(name: str, probe: Probe) -> None:
    _probes[name] = probe


def run_probes() -> dict[str, ProbeResult]:
    """Run every probe; a probe that raises is reported as down, never propagated."""
    results = {}
    for name in sorted(_probes, key=_listing_rank):  # stable: the others keep their order
        probe = _probes[name]
        started = time.monotonic()
        try:
            result = probe()
        except Exception as exc:  # a broken probe must not take the health page down
            result = ProbeResult(
                status=DOWN, backend="unknown", detail=f"{type(exc).__name__}: {exc}"
            )
        result.elapsed_ms = round((time.monotonic() - started) * 1000, 1)
        results[name] = result
    return results


def overall_status(results: dict[str, ProbeResult]) -> str:
    """The worst of the probes' states: DOWN over DEGRADED over OK."""
    states = {result.status for result in results.values()}
    if states - {OK, DEGRADED}:
        return DOWN
    return DEGRADED if DEGRADED in states else OK


def _listing_rank(name: str) -> int:
    return CORE_PROBES.index(name) if name in CORE_PROBES else len(CORE_PROBES)


def probe_database() -> ProbeResult:
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT sqlite_version()")
            else:
                cursor.execute("SELECT 1")
            version = str(cursor.fetchone()[0])
    except Exception as exc:
        return ProbeResult(DOWN, connection.vendor, detail=f"database unreachable: {exc}")
    return ProbeResult(
        OK, connection.vendor, version=version, detail=settings.DATABASES["default"]["NAME"]
    )


def probe_object_store() -> ProbeResult:
    from dms.storage import get_object_store

    health = get_object_store().health()
    detail = health.get("detail", "")
    return ProbeResult(
        status=OK if health.get("status") == OK else DOWN,
        backend=health.get("backend", "unknown"),
        version=health.get("version", ""),
        detail=detail if isinstance(detail, str) else "",
        capabilities=detail if isinstance(detail, dict) else {},
    )


def probe_tesseract() -> ProbeResult:
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = settings.TESSERACT_CMD
    try:
        version = str(pytesseract.get_tesseract_version())
        languages = sorted(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        return ProbeResult(DOWN, "tesseract", detail=f"{exc}; install tesseract-ocr")
    missing = [lang for lang in settings.OCR_LANGUAGES_REQUIRED if lang not in languages]
    return ProbeResult(
        status=DOWN if missing else OK,
        backend="tesseract",
        version=version,
        detail=f"missing language data: {', '.join(missing)}" if missing else "",
        capabilities={"languages": languages},
    )


def register_core_probes() -> None:
    register_probe("database", probe_database)
    register_probe("object_store", probe_object_store)
    register_probe("tesseract", probe_tesseract)
