"""The dashboard's URL, included from ``approvals/urls.py`` (under ``/api/approvals/``)."""

from django.urls import path

from approvals.stats_api import DashboardView

urlpatterns = [path("dashboard/", DashboardView.as_view(), name="approval-dashboard")]
