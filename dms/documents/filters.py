"""Query parameters of the document list (``GET /api/documents/``), as a django-filter FilterSet."""

from __future__ import annotations

import django_filters
from django import forms

from dms.documents.models import Document, Status
from dms.documents.validation import column_range

MAX_IDS = 100


class _ColumnInteger(django_filters.NumberFilter):
    """A whole number within the range of the column it filters: ``1.5``, ``NaN`` or a
    number past 64 bits is a 400 naming the parameter, never a database error."""

    field_class = forms.IntegerField

    @property
    def field(self):
        if not hasattr(self, "_field"):  # the field name is known once the FilterSet is built
            low, high = column_range(Document, self.field_name)
            self.extra.setdefault("min_value", low)
            self.extra.setdefault("max_value", high)
        return super().field


class _IdList(django_filters.BaseInFilter, _ColumnInteger):
    """``ids=1,2,3``: the upload page polls the documents it just sent (at most 100)."""

    def filter(self, qs, value):
        return super().filter(qs, value[:MAX_IDS] if value else value)


class DocumentFilter(django_filters.FilterSet):
    ids = _IdList(field_name="id", lookup_expr="in")
    department = django_filters.CharFilter(field_name="department__code")
    document_type = django_filters.CharFilter(field_name="document_type__code")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    fiscal_year = _ColumnInteger()
    created_after = django_filters.DateFilter(field_name="created_on", lookup_expr="gte")
    created_before = django_filters.DateFilter(field_name="created_on", lookup_expr="lte")
    date_after = django_filters.DateFilter(field_name="document_date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="document_date", lookup_expr="lte")
    amount_min = _ColumnInteger(field_name="amount", lookup_expr="gte")
    amount_max = _ColumnInteger(field_name="amount", lookup_expr="lte")
    counterparty = django_filters.CharFilter(lookup_expr="icontains")
    ordering = django_filters.OrderingFilter(
        fields=["created_at", "created_on", "document_date", "title", "amount"]
    )

    class Meta:
        model = Document
        fields: list[str] = []

    @property
    def qs(self):
        # A stable order under pagination: newest first unless asked, ties by id.
        documents = super().qs
        ordering = list(documents.query.order_by) or ["-created_at"]
        return documents.order_by(*ordering, "-id")
