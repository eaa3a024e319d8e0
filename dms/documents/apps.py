from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "dms.documents"
    label = "documents"
    verbose_name = "文書"
