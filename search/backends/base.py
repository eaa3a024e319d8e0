"""The protocol every search backend implements, and the values that cross it.

:class:`IndexEntry` is the one description of what the index holds: each field says how it
is indexed (:class:`Indexed`), and the engines' mapping, the embedded backend's tables, the
query's default fields and the facets are derived from it. :mod:`search.entries` builds
entries from the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # search.query takes its default fields from this module
    from search.query import Node

# Field types, as the engines' mapping names them.
TEXT, KEYWORD, DATE, BOOLEAN = "text", "keyword", "date", "boolean"
INTEGER, LONG = "integer", "long"


@dataclass(frozen=True)
class Indexed:
    """How one field of an :class:`IndexEntry` is indexed (kept in the field's metadata)."""

    type: str
    weight: float = 0.0  # text: relevance weight
    highlight: bool = False  # text: hits show fragments of it
    facet: str = ""  # counted under this name in the facets of an answer
    facet_size: int = 0  # buckets an engine returns
    principal: str = ""  # a security principal kind: d(epartment), u(ser), g(roup)
    searchable: bool = True  # False: stored only


def _how(kind: str, **how) -> dict:
    return {"indexed": Indexed(kind, **how)}


@dataclass(frozen=True, kw_only=True)
class IndexEntry:
    """One document as the index holds it (its current state).

    Text is already in :func:`search.text.display_text` form. ``fingerprint`` hashes
    everything but the revision, so an entry gone stale without a revision change (the
    department tree was reorganised) is found.
    """

    # identity, filters, facets and sorting
    id: int = field(metadata=_how(LONG))
    revision: int = field(metadata=_how(LONG))
    fingerprint: str = field(init=False, metadata=_how(KEYWORD, searchable=False))
    department_id: int = field(metadata=_how(INTEGER, facet="department", facet_size=200))
    document_type: str | None = field(
        default=None, metadata=_how(KEYWORD, facet="document_type", facet_size=100)
    )
    fiscal_year: int | None = field(
        default=None, metadata=_how(INTEGER, facet="fiscal_year", facet_size=100)
    )
    status: str = field(default="", metadata=_how(KEYWORD))
    document_date: dt.date | None = field(default=None, metadata=_how(DATE))
    amount: int | None = field(default=None, metadata=_how(LONG))
    created_on: dt.date | None = field(default=None, metadata=_how(DATE))
    contains_personal_number: bool = field(default=False, metadata=_how(BOOLEAN))
    deleted: bool = field(default=False, metadata=_how(BOOLEAN))
    # full text; a term without a field prefix searches all of it
    title: str = field(default="", metadata=_how(TEXT, weight=4.0, highlight=True))
    content: str = field(default="", metadata=_how(TEXT, weight=1.0, highlight=True))
    notes: str = field(default="", metadata=_how(TEXT, weight=1.0, highlight=True))
    counterparty: str = field(default="", metadata=_how(TEXT, weight=2.0, highlight=True))
    department_name: str = field(default="", metadata=_how(TEXT, weight=1.0))
    document_number: str = field(default="", metadata=_how(TEXT, weight=2.0))
    # who may see it: the department and every one above it, shares with users and groups
    allowed_departments: tuple[int, ...] = field(default=(), metadata=_how(INTEGER, principal="d"))
    allowed_users: tuple[int, ...] = field(default=(), metadata=_how(INTEGER, principal="u"))
    allowed_groups: tuple[int, ...] = field(default=(), metadata=_how(INTEGER, principal="g"))

    def __post_init__(self) -> None:
        body = {k: v for k, v in self.source().items() if k not in ("revision", "fingerprint")}
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode())
        object.__setattr__(self, "fingerprint", digest.hexdigest()[:32])

    def source(self) -> dict:
        """The entry as JSON values (dates in ISO form), as the engines store it."""
        # getattr: the fingerprint is not there yet while it is being computed
        return {name: _json(getattr(self, name, None)) for name in INDEXED}


def _json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


# What the rest of search reads off IndexEntry.
INDEXED: dict[str, Indexed] = {f.name: f.metadata["indexed"] for f in fields(IndexEntry)}
TEXT_FIELDS = tuple(name for name, how in INDEXED.items() if how.type == TEXT)
DEFAULT_SEARCH_FIELDS = TEXT_FIELDS  # searched by a term without a field prefix
HIGHLIGHT_FIELDS = tuple(name for name, how in INDEXED.items() if how.highlight)
WEIGHTS = {name: INDEXED[name].weight for name in TEXT_FIELDS}
FACETS = {how.facet: name for name, how in INDEXED.items() if how.facet}  # facet -> field
PRINCIPALS = {name: how.principal for name, how in INDEXED.items() if how.principal}


class SearchUnavailable(Exception):
    """The engine cannot be reached or refused the request (the caller answers 503)."""


@dataclass(frozen=True)
class Principals:
    """Who is asking: direct departments, user id and group ids (None = sees everything)."""

    user_id: int
    departments: tuple[int, ...] = ()
    groups: tuple[int, ...] = ()
    # The departments whose documents ``departments`` reach in the *current* tree (theirs
    # and those below). When given, a department principal counts only for a document in
    # one of them: an entry whose ancestor chain is stale after a department moved
    # (所管換, not yet re-indexed) cannot reach its old parents. None: no such limit.
    department_scope: tuple[int, ...] | None = None


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
    # Matches to leave out (hits the database refused): count and facets omit them too.
    exclude_ids: tuple[int, ...] = ()


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

    def upsert(self, entry: IndexEntry, *, force: bool = False) -> bool:
        """Index ``entry`` unless a newer revision (or, without force, the same) is there."""

    def delete(self, doc_id: int, revision: int) -> bool: ...

    def bulk(self, entries: Iterable[IndexEntry], *, force: bool = False) -> BulkResult: ...

    def search(self, request: SearchRequest) -> SearchResponse: ...

    def count(self, request: SearchRequest) -> int: ...

    def indexed(self) -> dict[int, tuple[int, str]]:
        """Every indexed document: id -> (revision, fingerprint)."""

    def reindex(self, entries: Iterable[IndexEntry]) -> BulkResult:
        """Build a new index from ``entries``, switch to it, drop the old one."""

    def refresh(self) -> None: ...

    def drop(self) -> None:
        """Remove every index of this prefix (tests)."""
