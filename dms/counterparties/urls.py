from django.urls import path
from rest_framework.routers import DefaultRouter

from dms.counterparties import api

router = DefaultRouter(trailing_slash=True)
router.register("counterparties", api.KnownCounterpartyViewSet, basename="counterparty")
urlpatterns = [
    *router.urls,
    path(
        "documents/<int:pk>/extracted/",
        api.ExtractedValueList.as_view(),
        name="document-extracted",
    ),
    path(
        "documents/<int:pk>/extracted/<str:field>/confirm/",
        api.ConfirmExtractedValue.as_view(),
        name="document-extracted-confirm",
    ),
    path(
        "documents/<int:pk>/extracted/<str:field>/correct/",
        api.CorrectExtractedValue.as_view(),
        name="document-extracted-correct",
    ),
]
