from django.apps import AppConfig


class DispositionConfig(AppConfig):
    name = "retention.disposition"
    label = "disposition"
    verbose_name = "廃棄・移管"
    default_auto_field = "django.db.models.BigAutoField"
