"""Which search engine answers at a URL, and which Japanese analysis it can do.

The engine is detected from the server's own answer (see :func:`detect_engine`), and
its analysis capability from the installed modules and plugins: kuromoji gives
morphological analysis, ``analysis-common`` gives the CJK bigram filter; without either
only the standard analyzer is left.
"""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from dms.health import DOWN, OK, ProbeResult

ANALYSIS_KUROMOJI = "kuromoji+bigram"
ANALYSIS_BIGRAM = "bigram"
ANALYSIS_STANDARD = "standard"


@dataclass(frozen=True)
class EngineInfo:
    engine: str  # "elasticsearch" | "opensearch" | "embedded"
    version: str
    analysis: str
    components: tuple[str, ...]  # analysis modules and plugins found


def _get(url: str, timeout: float = 5.0) -> tuple[dict, dict]:
    """JSON body and headers of a GET."""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # the configured URL
        return json.load(response), dict(response.headers)


def detect_engine(url: str) -> EngineInfo:
    """Ask the server at ``url`` what it is.

    Elasticsearch marks every response with ``X-Elastic-Product``; OpenSearch never does
    and says ``"distribution": "opensearch"`` in its root response. The node info is read
    rather than the root because Elasticsearch's test distribution has no root endpoint.
    """
    base = url.rstrip("/")
    info, headers = _get(base + "/_nodes/_local/plugins")
    elastic = any(k.lower() == "x-elastic-product" for k in headers)
    nodes = list(info.get("nodes", {}).values())
    if not nodes:
        raise ConnectionError(f"no search node answered at {url}")
    node = nodes[0]
    components = sorted(
        item["name"]
        for item in node.get("modules", []) + node.get("plugins", [])
        if item.get("name", "").startswith("analysis-")
    )
    if {"analysis-kuromoji", "analysis-common"} <= set(components):
        analysis = ANALYSIS_KUROMOJI
    elif "analysis-common" in components:
        analysis = ANALYSIS_BIGRAM
    else:
        analysis = ANALYSIS_STANDARD
    engine = "elasticsearch" if elastic else "opensearch"
    return EngineInfo(engine, node.get("version", ""), analysis, tuple(components))


def embedded_engine() -> EngineInfo:
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE VIRTUAL TABLE probe USING fts5(body)")  # fails without FTS5
    return EngineInfo("embedded", f"sqlite {sqlite3.sqlite_version} fts5", ANALYSIS_BIGRAM, ())


def _probe(url: str) -> ProbeResult:
    try:
        info = detect_engine(url) if url else embedded_engine()
    except Exception as exc:
        return ProbeResult(DOWN, "search", detail=f"search engine at {url} unreachable: {exc}")
    return ProbeResult(
        OK,
        info.engine,
        version=info.version,
        detail=url or settings.SEARCH["INDEX_DIR"],
        capabilities={"analysis": info.analysis, "components": list(info.components)},
    )


def probe_search_engine() -> ProbeResult:
    return _probe(settings.SEARCH["URL"])


def engine_probes() -> dict:
    """A probe for each further engine named in the settings (used by health and tests)."""
    return {
        f"search_{name}": (lambda url=url: _probe(url))
        for name, url in settings.SEARCH["ENGINES"].items()
    }
