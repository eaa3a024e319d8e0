"""Searching on behalf of a user: trimming in the engine, then a check in the database.

The engine filters on the user's principals inside the query (hits, counts and facets
only ever include documents the index says the user may see). The page of hits is then
checked again against ``Document.objects.visible_to(user)``: a hit the database no longer
allows (the index has not caught up with a change yet) is dropped, and the count and the
facet buckets it was counted in are reduced, so no number on the page reveals it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dms.accounts.models import Department
from dms.documents.models import Document, DocumentType
from search.backends import get_backend
from search.backends.base import FACETS, Principals, SearchRequest


@dataclass
class Page:
    count: int
    results: list[dict]
    facets: dict[str, list[dict]]
    engine: str
    analysis: str


def principals_of(user) -> Principals | None:
    """The security principals a query runs with; None for users who see everything."""
    if user.sees_everything:
        return None
    return Principals(
        user_id=user.pk,
        departments=tuple(sorted(user.departments.values_list("id", flat=True))),
        groups=tuple(sorted(user.groups.values_list("id", flat=True))),
    )


def search_documents(user, request: SearchRequest) -> Page:
    backend = get_backend()
    request = replace(request, principals=principals_of(user))
    response = backend.search(request)
    ids = [hit.id for hit in response.hits]
    visible = Document.objects.visible_to(user).filter(pk__in=ids)
    if not request.include_deleted:
        visible = visible.filter(deleted_at__isnull=True)
    documents = {
        document.pk: document for document in visible.select_related("department", "document_type")
    }
    count = response.count
    facets = {name: dict(buckets) for name, buckets in response.facets.items()}
    results = []
    for hit in response.hits:
        document = documents.get(hit.id)
        if document is None:
            count -= 1
            for name, key in FACETS.items():
                value = str(hit.source.get(key))
                if value in facets.get(name, {}):
                    facets[name][value] -= 1
                    if facets[name][value] <= 0:
                        del facets[name][value]
            continue
        results.append(_result(document, hit))
    return Page(
        count=max(count, 0),
        results=results,
        facets=_labelled(facets),
        engine=backend.engine,
        analysis=backend.analysis,
    )


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
