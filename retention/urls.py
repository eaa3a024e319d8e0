from rest_framework.routers import DefaultRouter

from retention import api

router = DefaultRouter(trailing_slash=True)
router.register("classes", api.RetentionClassViewSet, basename="retention-class")
router.register("files", api.RecordFileViewSet, basename="retention-file")
router.register("documents", api.DocumentRetentionViewSet, basename="retention-document")
router.register("holds", api.HoldViewSet, basename="retention-hold")
router.register("extensions", api.ExtensionViewSet, basename="retention-extension")
urlpatterns = router.urls
