from django.apps import AppConfig


class DmsConfig(AppConfig):
    name = "dms"
    verbose_name = "記録 (Kiroku)"

    def ready(self) -> None:
        from dms import health

        health.register_core_probes()
