from django.apps import AppConfig


class CounterpartiesConfig(AppConfig):
    name = "dms.counterparties"
    label = "counterparties"
    verbose_name = "取引先"
