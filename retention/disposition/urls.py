"""Included by dms/urls.py as ``api/retention/disposition/``."""

from django.urls import path

from retention.disposition import api

urlpatterns = [
    path("queue/", api.QueueView.as_view(), name="disposition-queue"),
    path("warnings/", api.WarningView.as_view(), name="disposition-warnings"),
    path("proposals/", api.ProposalListView.as_view(), name="disposition-proposals"),
    path("proposals/<int:pk>/", api.ProposalDetailView.as_view(), name="disposition-proposal"),
    path("proposals/<int:pk>/approve/", api.ApproveView.as_view(), name="disposition-approve"),
    path("proposals/<int:pk>/execute/", api.ExecuteView.as_view(), name="disposition-execute"),
    path("proposals/<int:pk>/receipt/", api.ReceiptView.as_view(), name="disposition-receipt"),
    path("proposals/<int:pk>/package/", api.PackageView.as_view(), name="disposition-package"),
    path("tombstones/", api.TombstoneListView.as_view(), name="disposition-tombstones"),
    path(
        "register.csv", api.RegisterExportView.as_view(kind="csv"), name="disposition-register-csv"
    ),
    path(
        "register.xlsx",
        api.RegisterExportView.as_view(kind="xlsx"),
        name="disposition-register-xlsx",
    ),
]
