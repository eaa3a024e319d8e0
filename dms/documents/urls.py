from rest_framework.routers import DefaultRouter

from dms.documents.api import DocumentViewSet

router = DefaultRouter(trailing_slash=True)
router.register("documents", DocumentViewSet, basename="document")
urlpatterns = router.urls
