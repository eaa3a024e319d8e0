from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dms.accounts"
    label = "accounts"
    verbose_name = "職員・組織"

    def ready(self) -> None:
        from dms.accounts import signals  # noqa: F401  (connects the password-change receiver)
