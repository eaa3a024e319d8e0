from django.urls import path
from rest_framework.routers import DefaultRouter

from dms.counterparties import api

router = DefaultRouter(trailing_slash=True)
router.register("counterparties", api.KnownCounterpartyViewSet, basename="counterparty")
urlpatterns = [
    *router.urls,
    path(
        "documents/<str:document_id>/extracted/",
        api.ExtractedValueList.as_view(),
        name="document-extracted",
    ),
    path(
        "documents/<str:document_id>/extracted/<str:field>/confirm/",
        api.ConfirmExtractedValue.as_view(),
        name="document-extracted-confirm",
    ),
    path(
        "documents/<str:document_id>/extracted/<str:field>/correct/",
        api.CorrectExtractedValue.as_view(),
        name="document-extracted-correct",
    ),
]
