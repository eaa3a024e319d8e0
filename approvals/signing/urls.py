"""Signing URLs, included from ``approvals/urls.py`` (under ``/api/approvals/``)."""

from django.urls import path

from approvals.signing import api

# "id", as drf-spectacular names the cases router's pk: one path parameter name per case.
urlpatterns = [
    path(
        "cases/<int:id>/verification/",
        api.VerificationView.as_view(),
        name="approval-verification",
    ),
    path(
        "cases/<int:id>/decision-pdf/", api.DecisionPdfView.as_view(), name="approval-decision-pdf"
    ),
    path(
        "cases/<int:id>/stamp-preview/",
        api.StampPreviewView.as_view(),
        name="approval-stamp-preview",
    ),
    path("stamp-preference/", api.StampPreferenceView.as_view(), name="approval-stamp-preference"),
]
