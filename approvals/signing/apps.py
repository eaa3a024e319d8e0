from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "approvals.signing"
    label = "approvals_signing"
    verbose_name = "電子署名"

    def ready(self) -> None:
        from approvals.signing import jobs  # noqa: F401  (registers the job and its sweep)
        from approvals.signing.health import probe_signing
        from dms import health

        health.register_probe("signing", probe_signing)
