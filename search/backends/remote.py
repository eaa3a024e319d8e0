"""The Elasticsearch / OpenSearch backend: one class over a thin client adapter.

Index layout: queries go to the alias ``<prefix>-documents``; it points at one concrete
index ``<prefix>-documents-<timestamp>``. A reindex builds a new concrete index next to
it, switches the alias in one atomic call and drops the old index: searches never see a
half-built index. While a reindex runs, single-document writes go to every concrete index
of the prefix, so neither side misses a change.

Ordering: every write carries the document's revision as an *external version*. The
engine refuses a write whose version is not higher than the stored one, so a job that
runs late can never overwrite a newer entry (``force`` uses ``external_gte`` to rewrite the
same revision, e.g. after the department tree changed).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from search.backends.base import BulkResult, Hit, IndexEntry, SearchRequest, SearchResponse
from search.backends.clients import ElasticsearchAdapter, OpenSearchAdapter
from search.backends.dsl import QueryBuilder, facet_counts, index_body

REINDEX_THREADS = 3


class RemoteBackend:
    def __init__(
        self, url: str, prefix: str, engine: str, analysis: str, components: tuple[str, ...]
    ) -> None:
        self.url = url
        self.engine = engine
        self.analysis = analysis
        self.components = components
        self.alias = f"{prefix}-documents"
        self.builder = QueryBuilder(analysis)
        adapter = ElasticsearchAdapter if engine == "elasticsearch" else OpenSearchAdapter
        self.client = adapter(url)
        self._ready = False  # the alias is known to exist

    # --- indices ------------------------------------------------------------------------
    def _new_index_name(self) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        return f"{self.alias}-{stamp}-{secrets.token_hex(3)}"

    def _create(self, name: str, *, alias: bool) -> None:
        body = index_body(self.analysis, self.components)
        if alias:
            body["aliases"] = {self.alias: {}}
        self.client.create_index(name, body)

    def ensure_index(self) -> None:
        if not self.client.alias_targets(self.alias):
            self._create(self._new_index_name(), alias=True)
        self._ready = True

    def _read(self, call, *args):
        """A read on the alias; the alias is checked once, and again if it disappeared."""
        if not self._ready:
            self.ensure_index()
        try:
            return call(self.alias, *args)
        except self.client.not_found_error:
            self._ready = False
            self.ensure_index()
            return call(self.alias, *args)

    def _write_targets(self) -> list[str]:
        targets = self.client.indices(f"{self.alias}-*")
        if not targets:
            self.ensure_index()
            targets = self.client.indices(f"{self.alias}-*")
        return targets

    # --- writes -------------------------------------------------------------------------
    def upsert(self, entry: IndexEntry, *, force: bool = False) -> bool:
        source = self.builder.prepare_source(entry)
        version_type = "external_gte" if force else "external"
        applied = False
        for index in self._write_targets():
            applied |= self.client.index(index, source, entry.revision, version_type)
        return applied

    def delete(self, doc_id: int, revision: int) -> bool:
        deleted = False
        for index in self._write_targets():
            deleted |= self.client.delete(index, doc_id, revision)
        return deleted

    def _actions(self, entries: Iterable[IndexEntry], index: str, force: bool):
        for entry in entries:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": str(entry.id),
                "_version": entry.revision,
                "_version_type": "external_gte" if force else "external",
                "_source": self.builder.prepare_source(entry),
            }

    def _bulk_into(
        self, index: str, entries: Iterable[IndexEntry], force: bool, threads: int = 1
    ) -> BulkResult:
        result = BulkResult()
        actions = self._actions(entries, index, force)
        if threads > 1:
            answers = self.client.parallel_bulk(actions, threads)
        else:
            answers = self.client.bulk(actions)
        for ok, item in answers:
            if ok:
                result.indexed += 1
                continue
            info = next(iter(item.values()))
            if info.get("status") == 409:
                result.skipped += 1
            else:
                result.errors.append(f"{info.get('_id')}: {info.get('error')}")
        return result

    def bulk(self, entries: Iterable[IndexEntry], *, force: bool = False) -> BulkResult:
        targets = self._write_targets()
        if len(targets) == 1:
            return self._bulk_into(targets[0], entries, force)
        entries = list(entries)
        results = [self._bulk_into(index, entries, force) for index in targets]
        return results[0]

    def reindex(self, entries: Iterable[IndexEntry]) -> BulkResult:
        old = self.client.alias_targets(self.alias)
        new = self._new_index_name()
        self._create(new, alias=False)
        # Nobody searches the new index yet: no refreshes, and the translog is synced in the
        # background, until it is complete.
        self.client.put_settings(
            new, {"refresh_interval": "-1", "translog": {"durability": "async"}}
        )
        try:
            result = self._bulk_into(new, entries, force=False, threads=REINDEX_THREADS)
        except Exception:
            self.client.delete_index(new)
            raise
        self.client.put_settings(
            new, {"refresh_interval": "1s", "translog": {"durability": "request"}}
        )
        self.client.refresh(new)
        actions = [{"remove": {"index": index, "alias": self.alias}} for index in old]
        actions.append({"add": {"index": new, "alias": self.alias}})
        self.client.update_aliases(actions)
        for index in self.client.indices(f"{self.alias}-*"):
            if index != new:
                self.client.delete_index(index)
        return result

    def refresh(self) -> None:
        for index in self.client.indices(f"{self.alias}-*"):
            self.client.refresh(index)

    def drop(self) -> None:
        self._ready = False
        for index in self.client.indices(f"{self.alias}-*"):
            self.client.delete_index(index)

    # --- reads --------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResponse:
        answer = self._read(self.client.search, self.builder.search_body(request))
        hits = [
            Hit(
                id=int(hit["_id"]),
                score=float(hit.get("_score") or 0.0),
                highlights=self.builder.highlights(hit.get("highlight", {})),
                source=hit.get("_source", {}),
            )
            for hit in answer["hits"]["hits"]
        ]
        return SearchResponse(
            count=answer["hits"]["total"]["value"],
            hits=hits,
            facets=facet_counts(answer.get("aggregations", {})),
        )

    def count(self, request: SearchRequest) -> int:
        return self._read(self.client.count, {"query": self.builder.query(request)})

    def indexed(self) -> dict[int, tuple[int, str]]:
        self.ensure_index()
        body = {"query": {"match_all": {}}, "_source": ["revision", "fingerprint"]}
        return {
            int(hit["_id"]): (hit["_source"]["revision"], hit["_source"].get("fingerprint", ""))
            for hit in self.client.scan(self.alias, body)
        }
