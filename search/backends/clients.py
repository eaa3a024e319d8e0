"""The only code that differs between Elasticsearch and OpenSearch: the client calls.

Elasticsearch goes through the official ``elasticsearch`` client, OpenSearch through
``opensearch-py``. Each adapter offers the same dozen calls; everything else (mapping,
queries, versioning rules, aliases) is shared in :mod:`search.backends.remote`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from search.backends.base import SearchUnavailable


class _Adapter:
    """Shared calls where the two clients take the same arguments."""

    client = None
    helpers = None
    conflict_error: type[Exception] = Exception
    not_found_error: type[Exception] = Exception
    transport_errors: tuple[type[Exception], ...] = ()

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (self.conflict_error, self.not_found_error):
            raise
        except self.transport_errors as exc:
            raise SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc

    def create_index(self, name: str, body: dict) -> None:
        self._call(self.client.indices.create, index=name, body=body)

    def delete_index(self, name: str) -> None:
        with contextlib.suppress(self.not_found_error):
            self._call(self.client.indices.delete, index=name)

    def indices(self, pattern: str) -> list[str]:
        try:
            found = self._call(self.client.indices.get, index=pattern)
        except self.not_found_error:
            return []
        return sorted(found)

    def alias_targets(self, alias: str) -> list[str]:
        try:
            return sorted(self._call(self.client.indices.get_alias, name=alias))
        except self.not_found_error:
            return []

    def update_aliases(self, actions: list[dict]) -> None:
        self._call(self.client.indices.update_aliases, body={"actions": actions})

    def put_settings(self, name: str, settings: dict) -> None:
        self._call(self.client.indices.put_settings, index=name, body={"index": settings})

    def refresh(self, name: str) -> None:
        self._call(self.client.indices.refresh, index=name)

    def search(self, index: str, body: dict) -> dict:
        return dict(self._call(self.client.search, index=index, body=body))

    def count(self, index: str, body: dict) -> int:
        return int(self._call(self.client.count, index=index, body=body)["count"])

    def delete(self, index: str, doc_id: int, version: int) -> bool:
        try:
            self._call(
                self.client.delete,
                index=index,
                id=str(doc_id),
                version=version,
                version_type="external",
            )
        except self.conflict_error:
            return False
        except self.not_found_error:
            return True
        return True

    def bulk(self, actions: Iterable[dict]) -> Iterator[tuple[bool, dict]]:
        try:
            yield from self.helpers.streaming_bulk(
                self.client,
                actions,
                chunk_size=500,
                raise_on_error=False,
                raise_on_exception=True,
                max_retries=2,
            )
        except self.transport_errors as exc:
            raise SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc

    def parallel_bulk(self, actions: Iterable[dict], threads: int) -> Iterator[tuple[bool, dict]]:
        """For a rebuild: several bulk requests in flight use every core of the node."""
        try:
            yield from self.helpers.parallel_bulk(
                self.client,
                actions,
                thread_count=threads,
                chunk_size=500,
                raise_on_error=False,
                raise_on_exception=True,
            )
        except self.transport_errors as exc:
            raise SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc

    def scan(self, index: str, body: dict) -> Iterator[dict]:
        try:
            yield from self.helpers.scan(self.client, index=index, query=body, size=2000)
        except self.transport_errors as exc:
            raise SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc


class ElasticsearchAdapter(_Adapter):
    def __init__(self, url: str) -> None:
        import elasticsearch
        from elasticsearch import Elasticsearch, helpers

        self.client = Elasticsearch(url, request_timeout=30, retry_on_timeout=True)
        self.helpers = helpers
        self.conflict_error = elasticsearch.ConflictError
        self.not_found_error = elasticsearch.NotFoundError
        self.transport_errors = (elasticsearch.ApiError, elasticsearch.TransportError)

    def index(self, index: str, doc: dict, version: int, version_type: str) -> bool:
        try:
            self._call(
                self.client.index,
                index=index,
                id=str(doc["id"]),
                document=doc,
                version=version,
                version_type=version_type,
            )
        except self.conflict_error:
            return False
        return True


class OpenSearchAdapter(_Adapter):
    def __init__(self, url: str) -> None:
        import opensearchpy
        from opensearchpy import OpenSearch, helpers

        self.client = OpenSearch(url, timeout=30, retry_on_timeout=True, pool_maxsize=8)
        self.helpers = helpers
        self.conflict_error = opensearchpy.ConflictError
        self.not_found_error = opensearchpy.NotFoundError
        self.transport_errors = (opensearchpy.TransportError, opensearchpy.ImproperlyConfigured)

    def index(self, index: str, doc: dict, version: int, version_type: str) -> bool:
        try:
            self._call(
                self.client.index,
                index=index,
                id=str(doc["id"]),
                body=doc,
                params={"version": version, "version_type": version_type},
            )
        except self.conflict_error:
            return False
        return True
