from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dms.accounts import api as accounts_api
from dms.api import HealthView
from dms.frontend import app_index

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/health/", HealthView.as_view(), name="health"),
    path("api/auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("api/auth/tokens/", accounts_api.TokenListView.as_view(), name="api-tokens"),
    path(
        "api/auth/tokens/rotate/", accounts_api.TokenRotateView.as_view(), name="api-token-rotate"
    ),
    path(
        "api/auth/tokens/<str:token_key>/",
        accounts_api.TokenDetailView.as_view(),
        name="api-token-detail",
    ),
    path("api/auth/login/", accounts_api.LoginView.as_view(), name="login"),
    path("api/auth/logout/", accounts_api.LogoutView.as_view(), name="logout"),
    path("api/auth/me/", accounts_api.MeView.as_view(), name="me"),
    path("api/auth/csrf/", accounts_api.CsrfView.as_view(), name="csrf"),
    path("api/departments/", accounts_api.DepartmentList.as_view(), name="departments"),
    path("api/document-types/", accounts_api.DocumentTypeList.as_view(), name="document-types"),
    path("api/approvals/", include("approvals.urls")),
    path("api/retention/disposition/", include("retention.disposition.urls")),
    path("api/retention/", include("retention.urls")),
    path("api/", include("search.urls")),
    path("api/", include("dms.counterparties.urls")),
    path("api/", include("dms.documents.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script for the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Everything else is the web app's own route.
    re_path(r"^(?!api/|admin/|static/).*$", app_index, name="app"),
]
