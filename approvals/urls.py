"""URLs of the approvals API, included under ``/api/approvals/`` by ``dms/urls.py``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from approvals import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cases", api.CaseViewSet, basename="approval-case")
router.register("matter-types", api.MatterTypeViewSet, basename="approval-matter-type")
router.register("delegation-rules", api.DelegationRuleViewSet, basename="approval-delegation")
router.register("templates", api.RouteTemplateViewSet, basename="approval-template")
router.register("posts", api.PostViewSet, basename="approval-post")
router.register("people", api.PeopleViewSet, basename="approval-person")
router.register("deputies", api.DeputyViewSet, basename="approval-deputy")
router.register("absences", api.AbsenceViewSet, basename="approval-absence")

urlpatterns = [
    path("inbox/", api.InboxView.as_view(), name="approval-inbox"),
    path("notifications/", api.NotificationsView.as_view(), name="approval-notifications"),
    path("route-proposal/", api.RouteProposalView.as_view(), name="approval-route-proposal"),
    path("rules/", api.RulesFileView.as_view(), name="approval-rules-file"),
    *router.urls,
    # The router's routes are anchored, so none shadows these: dashboard/, and the signing
    # routes cases/<id>/verification/, decision-pdf/, stamp-preview/, stamp-preference/.
    path("", include("approvals.stats_urls")),
    path("", include("approvals.signing.urls")),
]
