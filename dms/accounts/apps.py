from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dms.accounts"
    label = "accounts"
    verbose_name = "職員・組織"
