from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dms.audit"
    label = "audit"
    verbose_name = "監査証跡"

    def ready(self) -> None:
        from dms.audit import tasks  # noqa: F401  (registers the periodic anchor)
