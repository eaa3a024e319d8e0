"""The protocol every search backend implements, and the values that cross it.

An *index document* is a plain dict built by :mod:`search.documents` from the database:
text fields (``title``, ``content``, ``notes``, ``counterparty``, ``department_name``,
``document_number``) already in :func:`search.text.display_text` form, keyword fields for
filters and facets, the security principals (``allowed_departments``, ``allowed_users``,
``allowed_groups``), ``deleted``, and ``revision`` + ``fingerprint`` for consistency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from search.query import Node

TEXT_FIELDS = ("title", "content", "notes", "counterparty", "department_name", "document_number")
FACETS = ("department", "document_type", "fiscal_year")


class SearchUnavailable(Exception):
    """The engine cannot be reached or refused the request (the caller answers 503)."""


@dataclass(frozen=True)
class Principals:
    """Who is asking: direct departments, user id and group ids (None = sees everything)."""

    user_id: int
    departments: tuple[int, ...] = ()
    groups: tuple[int, ...] = ()


@dataclass(frozen=True)
class Filters:
    departments: tuple[int, ...] = ()  # a department and everything below it
    document_types: tuple[str, ...] = ()
    fiscal_years: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    counterparty: str = ""
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    contains_personal_number: bool | None = None


@dataclass(frozen=True)
class SearchRequest:
    query: Node | None = None
    filters: Filters = field(default_factory=Filters)
    principals: Principals | None = None  # None: sees everything
    include_deleted: bool = False
    sort: str = "relevance"  # "relevance" | "date" (newest first) | "date_asc"
    offset: int = 0
    limit: int = 20
    highlight: bool = True
    facets: bool = True


@dataclass
class Hit:
    id: int
    score: float
    highlights: list[str]
    source: dict


@dataclass
class SearchResponse:
    count: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]  # facet -> {value: count}


@dataclass
class BulkResult:
    indexed: int = 0
    skipped: int = 0  # an equal or newer revision was already there
    errors: list[str] = field(default_factory=list)


class SearchBackend(Protocol):
    engine: str  # "elasticsearch" | "opensearch" | "embedded"
    analysis: str  # search.engine.ANALYSIS_*

    def ensure_index(self) -> None: ...

    def upsert(self, doc: dict, *, force: bool = False) -> bool:
        """Index ``doc`` unless a newer revision (or, without force, the same) is there."""

    def delete(self, doc_id: int, revision: int) -> bool: ...

    def bulk(self, docs: Iterable[dict], *, force: bool = False) -> BulkResult: ...

    def search(self, request: SearchRequest) -> SearchResponse: ...

    def count(self, request: SearchRequest) -> int: ...

    def indexed(self) -> dict[int, tuple[int, str]]:
        """Every indexed document: id -> (revision, fingerprint)."""

    def reindex(self, docs: Iterable[dict]) -> BulkResult:
        """Build a new index from ``docs``, switch to it, drop the old one."""

    def refresh(self) -> None: ...

    def drop(self) -> None:
        """Remove every index of this prefix (tests)."""
