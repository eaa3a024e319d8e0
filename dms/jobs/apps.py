from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "dms.jobs"
    label = "jobs"
    verbose_name = "ジョブ"
