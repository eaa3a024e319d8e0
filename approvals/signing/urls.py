"""Signing URLs, included from ``approvals/urls.py`` (under ``/api/approvals/``)."""

from django.urls import path

from approvals.signing import api

urlpatterns = [
    path(
        "cases/<int:pk>/verification/",
        api.VerificationView.as_view(),
        name="approval-verification",
    ),
    path(
        "cases/<int:pk>/decision-pdf/", api.DecisionPdfView.as_view(), name="approval-decision-pdf"
    ),
    path(
        "cases/<int:pk>/stamp-preview/",
        api.StampPreviewView.as_view(),
        name="approval-stamp-preview",
    ),
]
