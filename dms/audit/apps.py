from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dms.audit"
    label = "audit"
    verbose_name = "監査証跡"
