"""Search benchmark: relevance (recall@10, MRR per category) and speed (bulk rate, query
latency p50/p95) of Kiroku's three backends, next to a Whoosh StandardAnalyzer index.

One command, one run (see ``benchmarks/search/README.md``)::

    set -a; eval "$(scripts/services.sh env)"; set +a
    .venv/bin/python -m benchmarks.search            # relevance + speed at 10,000 docs
    .venv/bin/python -m benchmarks.search --sizes 10000,100000

Every index it creates has the prefix ``kiroku-bench-<random>`` and is dropped at the end.
It exits 0 whatever the figures (PASS/FAIL are reported, not enforced); 1 when the
benchmark itself broke.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections import defaultdict

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dms.settings")

import logging

import django

django.setup()
for noisy in ("elastic_transport", "elasticsearch", "opensearch"):
    logging.getLogger(noisy).setLevel(logging.ERROR)

from benchmarks.search.corpus import QUERIES, SECTIONS, Corpus, build, index_entry  # noqa: E402
from search.backends.base import Filters, Principals, SearchRequest  # noqa: E402
from search.backends.embedded import EmbeddedBackend  # noqa: E402
from search.backends.remote import RemoteBackend  # noqa: E402
from search.engine import detect_engine  # noqa: E402
from search.query import parse  # noqa: E402

RELEVANCE_BASE = 3000
TARGETS = {
    # backend: (recall@10, MRR)
    "opensearch": (0.95, 0.90),
    "embedded": (0.90, 0.85),
}
BULK_TARGET = 1000.0  # docs/s
P95_TARGET_MS = {"elasticsearch": 50.0, "opensearch": 50.0, "embedded": 150.0}
COMMON_WORDS = ["予算", "契約", "会議", "申請", "事業", "報告", "市民", "補助金の交付", "研修"]


def make_backends(names: list[str], prefix: str, index_dir: str) -> dict:
    backends = {}
    for name in names:
        if name == "embedded":
            backends[name] = EmbeddedBackend(index_dir, prefix)
        elif name in ("elasticsearch", "opensearch"):
            url = os.environ.get(f"KIROKU_{name.upper()}_URL", "")
            if not url:
                print(f"  {name}: KIROKU_{name.upper()}_URL is not set; skipped")
                continue
            info = detect_engine(url)
            backends[name] = RemoteBackend(url, prefix, info.engine, info.analysis, info.components)
    return backends


# --- Whoosh, the way paperless-ngx 2.x indexed ------------------------------------------


class WhooshIndex:
    engine = "whoosh"
    analysis = "StandardAnalyzer"

    def __init__(self, directory: str) -> None:
        warnings.filterwarnings("ignore", category=SyntaxWarning)
        from whoosh import fields, index

        self.schema = fields.Schema(
            id=fields.NUMERIC(stored=True, unique=True),
            title=fields.TEXT(),
            content=fields.TEXT(),
            counterparty=fields.TEXT(),
            department=fields.TEXT(),
        )
        os.makedirs(directory, exist_ok=True)
        self.index = index.create_in(directory, self.schema)

    def bulk(self, docs) -> None:
        writer = self.index.writer()
        for doc in docs:
            writer.add_document(
                id=doc.id,
                title=doc.title,
                content=doc.content,
                counterparty=doc.counterparty,
                department=doc.section,
            )
        writer.commit()

    def ids(self, text: str, limit: int = 10) -> list[int]:
        from whoosh.qparser import MultifieldParser

        parser = MultifieldParser(["title", "content", "counterparty", "department"], self.schema)
        with self.index.searcher() as searcher:
            return [hit["id"] for hit in searcher.search(parser.parse(text), limit=limit)]


# --- relevance --------------------------------------------------------------------------


def evaluate(ranked: dict[str, list[int]], corpus: Corpus) -> dict[str, tuple[float, float]]:
    per_category: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for query in corpus.queries:
        relevant = corpus.judgements[query.qid]
        top = ranked.get(query.qid, [])[:10]
        recall = len(relevant & set(top)) / min(len(relevant), 10)
        rr = next((1 / (i + 1) for i, doc_id in enumerate(top) if doc_id in relevant), 0.0)
        per_category[query.category].append((recall, rr))
        per_category["ALL"].append((recall, rr))
    return {
        category: (statistics.mean(r for r, _ in values), statistics.mean(m for _, m in values))
        for category, values in per_category.items()
    }


def relevance(backends: dict, whoosh_dir: str | None) -> dict[str, dict]:
    corpus = build(RELEVANCE_BASE)
    entries = [index_entry(doc) for doc in corpus.docs]
    print(f"\nRelevance corpus: {len(corpus.docs)} documents, {len(corpus.queries)} queries")
    results: dict[str, dict] = {}
    misses: dict[str, list[str]] = {}
    for name, backend in backends.items():
        backend.reindex(entries)
        backend.refresh()
        ranked = {}
        for query in corpus.queries:
            request = SearchRequest(
                query=parse(query.text), limit=10, highlight=False, facets=False
            )
            ranked[query.qid] = [hit.id for hit in backend.search(request).hits]
        results[f"{name} ({backend.analysis})"] = evaluate(ranked, corpus)
        misses[name] = [
            q.text
            for q in corpus.queries
            if not corpus.judgements[q.qid] <= set(ranked[q.qid]) | set()
        ]
    if whoosh_dir is not None:
        whoosh = WhooshIndex(whoosh_dir)
        whoosh.bulk(corpus.docs)
        ranked = {}
        for query in corpus.queries:
            try:
                ranked[query.qid] = whoosh.ids(query.text)
            except Exception:
                ranked[query.qid] = []
        results["whoosh (StandardAnalyzer)"] = evaluate(ranked, corpus)
    categories = ["ALL", *sorted({q.category for q in QUERIES})]
    columns = list(results)
    width = 31
    print("\nrecall@10 / MRR by category")
    print("category".ljust(16) + "".join(c.ljust(width) for c in columns))
    for category in categories:
        row = category.ljust(16)
        for column in columns:
            recall, mrr = results[column][category]
            row += f"{recall:.3f} / {mrr:.3f}".ljust(width)
        print(row)
    print("\ntargets")
    for name, (recall_target, mrr_target) in TARGETS.items():
        key = next((c for c in columns if c.startswith(name)), None)
        if key is None:
            continue
        recall, mrr = results[key]["ALL"]
        verdict = "PASS" if recall >= recall_target and mrr >= mrr_target else "FAIL"
        print(
            f"  {key}: recall@10 {recall:.3f} (target {recall_target}), "
            f"MRR {mrr:.3f} (target {mrr_target})  {verdict}"
        )
    for name, missed in misses.items():
        if missed:
            print(f"  {name}: not every relevant document in the top 10 for {', '.join(missed)}")
    return results


# --- speed ------------------------------------------------------------------------------


def query_mix(rng: random.Random, count: int) -> list[SearchRequest]:
    requests = []
    for _ in range(count):
        text = rng.choice(QUERIES).text if rng.random() < 0.6 else rng.choice(COMMON_WORDS)
        filters = {}
        if rng.random() < 0.3:
            filters["fiscal_years"] = (rng.choice([2019, 2020, 2021, 2022, 2023]),)
        if rng.random() < 0.2:
            filters["departments"] = (rng.choice(SECTIONS)[0],)
        if rng.random() < 0.15:
            filters["date_from"] = __import__("datetime").date(2021, 4, 1)
            filters["date_to"] = __import__("datetime").date(2022, 3, 31)
        if rng.random() < 0.1:
            filters["amount_min"] = 1_000_000
        if rng.random() < 0.1:
            filters["counterparty"] = rng.choice(["中央設備", "北部建設", "東和印刷"])
        principals = None
        if rng.random() < 0.5:
            section = rng.choice(SECTIONS)[0]
            principals = Principals(user_id=1, departments=(section,))
        requests.append(
            SearchRequest(
                query=parse(text),
                filters=Filters(**filters),
                principals=principals,
                limit=20,
            )
        )
    return requests


def speed(backends: dict, sizes: list[int], queries: int) -> list[tuple]:
    rows = []
    for size in sizes:
        planted = len(build(0).docs)
        corpus = build(max(size - planted, 1000), seed=size)
        entries = [index_entry(doc) for doc in corpus.docs]
        for name, backend in backends.items():
            if name == "embedded" and size > 10_000:
                continue
            started = time.perf_counter()
            result = backend.reindex(entries)
            backend.refresh()
            elapsed = time.perf_counter() - started
            rate = len(entries) / elapsed
            if result.errors:
                print(f"  {name}: {len(result.errors)} bulk errors, e.g. {result.errors[0]}")
            rng = random.Random(7)
            mix = query_mix(rng, queries + 50)
            for request in mix[:50]:  # warm-up
                backend.search(request)
            latencies = []
            for request in mix[50:]:
                started = time.perf_counter()
                backend.search(request)
                latencies.append((time.perf_counter() - started) * 1000)
            latencies.sort()
            p50 = latencies[len(latencies) // 2]
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            rows.append((name, len(entries), rate, p50, p95))
            print(
                f"  {name} at {len(entries)}: bulk {rate:,.0f} docs/s, "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
            )
    print("\nspeed (query mix: 60% labelled queries, 40% common words; filters on ~half;")
    print("       security trimming on half; facets and highlights on; page of 20)")
    header = f"{'backend':<15}{'docs':>9}{'bulk docs/s':>13}{'p50 ms':>9}{'p95 ms':>9}  verdict"
    print(header)
    for name, docs, rate, p50, p95 in rows:
        verdicts = []
        if name != "embedded":
            verdicts.append(f"bulk {'PASS' if rate >= BULK_TARGET else 'FAIL'}")
        target = P95_TARGET_MS[name]
        applies = name == "embedded" or docs >= 100_000
        p95_verdict = "PASS" if p95 <= target else "FAIL"
        label = f"p95<={target:.0f}ms {p95_verdict}" + ("" if applies else " (target is at 100k)")
        verdicts.append(label)
        print(f"{name:<15}{docs:>9,}{rate:>13,.0f}{p50:>9.1f}{p95:>9.1f}  {'; '.join(verdicts)}")
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="embedded,elasticsearch,opensearch")
    parser.add_argument("--sizes", default="10000", help="comma-separated corpus sizes")
    parser.add_argument("--queries", type=int, default=500, help="timed queries per run")
    parser.add_argument("--no-whoosh", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args(argv)
    prefix = f"kiroku-bench-{secrets.token_hex(4)}"
    scratch = tempfile.mkdtemp(prefix="kiroku-bench-")
    backends = make_backends(args.backends.split(","), prefix, scratch)
    try:
        whoosh_dir = None
        if not args.no_whoosh:
            try:
                import whoosh  # noqa: F401

                whoosh_dir = os.path.join(scratch, "whoosh")
            except ImportError:
                print("whoosh is not installed: `uv pip install whoosh==2.7.4` for the baseline")
        for name, backend in backends.items():
            print(f"{name}: analysis {backend.analysis}")
        relevance(backends, whoosh_dir)
        if not args.skip_speed:
            print()
            speed(backends, [int(s) for s in args.sizes.split(",")], args.queries)
    except Exception:
        import traceback

        traceback.print_exc()
        return 1
    finally:
        for backend in backends.values():
            try:
                backend.drop()
            except Exception as exc:  # report, keep cleaning
                print(f"could not drop {backend.engine} indices: {exc}", file=sys.stderr)
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
