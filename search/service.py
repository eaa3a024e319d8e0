"""Searching on behalf of a user: trimming in the engine, then a check in the database.

The engine filters on the user's principals inside the query, so hits, count and facets
only ever include documents the *index* says the user may see; a department principal
also only reaches documents of departments below it in the current tree (read from the
database for each query), so a department moved to another bureau (所管換) is out of its
old bureau's reach at once, before its documents are re-indexed. The index can be behind
the database (a document moved, a share withdrawn, a department moved in the tree before
its documents were re-indexed), so the page of hits is checked again against
``Document.objects.visible_to(user)``.

The rule for the numbers: the engine's count and facets are answered only when the page
vouches for them, i.e. no hit on it was refused and it is not an empty page of a non-zero
count (a page past the end checks nothing). Otherwise the index is known to be behind for
this query, and every match (up to ``VERIFY_LIMIT``) is checked in the database; the
query runs again without the refused ones, so the page is full and count and facets are
the engine's numbers for visible documents only. With more matches than that, count and
facets are counted in the database over the visible checked matches and the count is
marked ``count_exact = False`` (a lower bound): never a number that includes a document
the user cannot see, an empty page's count included.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Count

from dms.accounts.models import Department
from dms.documents.models import Document, DocumentType
from dms.documents.permissions import department_ids_with_authority
from search.backends import get_backend
from search.backends.base import FACETS, Principals, SearchRequest, SearchResponse

VERIFY_LIMIT = 10_000  # matches checked in the database when the index is behind


@dataclass
class Page:
    count: int
    results: list[dict]
    facets: dict[str, list[dict]]
    engine: str
    analysis: str
    count_exact: bool = True


def principals_of(user) -> Principals | None:
    """The security principals a query runs with; None for users who see everything."""
    if user.sees_everything:
        return None
    return Principals(
        user_id=user.pk,
        departments=tuple(sorted(user.departments.values_list("id", flat=True))),
        groups=tuple(sorted(user.groups.values_list("id", flat=True))),
        department_scope=tuple(sorted(department_ids_with_authority(user))),
    )


def search_documents(user, request: SearchRequest) -> Page:
    backend = get_backend()
    request = replace(request, principals=principals_of(user))
    response = backend.search(request)
    documents = _visible(user, request, [hit.id for hit in response.hits])
    count_exact = True
    if not _vouches(response, documents):
        matches = backend.search(
            replace(request, offset=0, limit=VERIFY_LIMIT, highlight=False, facets=False)
        )
        match_ids = [hit.id for hit in matches.hits]
        visible_ids = set(_visible_ids(user, request, match_ids))
        hidden = tuple(sorted(set(match_ids) - visible_ids))
        if hidden:
            response = backend.search(replace(request, exclude_ids=hidden))
            documents = _visible(user, request, [hit.id for hit in response.hits])
        if matches.count > len(match_ids):  # some matches were never checked
            count_exact = False
            response = replace(
                response,
                count=len(visible_ids),
                facets=_database_facets(visible_ids) if request.facets else {},
            )
    count, facets, results = response.count, _copy(response.facets), []
    for hit in response.hits:
        document = documents.get(hit.id)
        if document is None:  # refused after the check above (a change in between)
            count -= 1
            _take_off(facets, hit)
            continue
        results.append(_result(document, hit))
    return Page(
        count=max(count, 0),
        results=results,
        facets=_labelled(facets),
        engine=backend.engine,
        analysis=backend.analysis,
        count_exact=count_exact,
    )


def _vouches(response: SearchResponse, documents: dict) -> bool:
    """Whether the page shows the index agreeing with the database for this query."""
    every_hit_visible = all(hit.id in documents for hit in response.hits)
    return every_hit_visible and (bool(response.hits) or response.count == 0)


def _checked(user, request: SearchRequest, ids):
    visible = Document.objects.visible_to(user).filter(pk__in=ids)
    if not request.include_deleted:
        visible = visible.filter(deleted_at__isnull=True)
    return visible


def _visible(user, request: SearchRequest, ids) -> dict[int, Document]:
    visible = _checked(user, request, ids).select_related("department", "document_type")
    return {document.pk: document for document in visible}


def _visible_ids(user, request: SearchRequest, ids) -> list[int]:
    return list(_checked(user, request, ids).values_list("pk", flat=True))


def _database_facets(ids) -> dict[str, dict[str, int]]:
    """The facet buckets of documents ``ids``, counted from their rows."""
    documents = Document.objects.filter(pk__in=ids)
    facets = {}
    for facet, column in (
        ("department", "department_id"),
        ("document_type", "document_type__code"),
        ("fiscal_year", "fiscal_year"),
    ):
        rows = documents.exclude(**{f"{column}__isnull": True}).values_list(column)
        facets[facet] = {str(value): n for value, n in rows.annotate(n=Count("pk")).order_by()}
    return facets


def _copy(facets: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {name: dict(buckets) for name, buckets in facets.items()}


def _take_off(facets: dict[str, dict[str, int]], hit) -> None:
    for name, key in FACETS.items():
        value = str(hit.source.get(key))
        if value in facets.get(name, {}):
            facets[name][value] -= 1
            if facets[name][value] <= 0:
                del facets[name][value]


def _result(document: Document, hit) -> dict:
    return {
        "id": document.pk,
        "title": document.title,
        "score": round(hit.score, 4),
        "highlights": hit.highlights,
        "document_type": document.document_type.code if document.document_type_id else None,
        "department": {"id": document.department_id, "name": document.department.name},
        "fiscal_year": document.fiscal_year,
        "document_date": document.document_date.isoformat() if document.document_date else None,
        "amount": document.amount,
        "counterparty": document.counterparty or None,
        "status": document.status,
        "deleted": document.deleted_at is not None,
    }


def _labelled(facets: dict[str, dict[str, int]]) -> dict[str, list[dict]]:
    departments = facets.get("department", {})
    names = dict(
        Department.objects.filter(pk__in=[int(k) for k in departments]).values_list("pk", "name")
    )
    types = facets.get("document_type", {})
    type_names = dict(DocumentType.objects.filter(code__in=types).values_list("code", "name"))
    ordered = lambda buckets: sorted(buckets.items(), key=lambda kv: (-kv[1], kv[0]))  # noqa: E731
    return {
        "department": [
            {"id": int(k), "name": names.get(int(k), ""), "count": n}
            for k, n in ordered(departments)
        ],
        "document_type": [
            {"code": k, "name": type_names.get(k, k), "count": n} for k, n in ordered(types)
        ],
        "fiscal_year": [
            {"year": int(k), "count": n}
            for k, n in sorted(facets.get("fiscal_year", {}).items(), reverse=True)
        ],
    }
