from django.apps import AppConfig
from django.db.models.signals import m2m_changed


class DocumentsConfig(AppConfig):
    name = "dms.documents"
    label = "documents"
    verbose_name = "文書"

    def ready(self) -> None:
        from dms.accounts.models import User
        from dms.documents.permissions import forget_authority

        def memberships_changed(sender, instance, **kwargs) -> None:
            # Only drops a cached answer; no work hides here.
            if isinstance(instance, User):
                forget_authority(instance)

        m2m_changed.connect(
            memberships_changed,
            sender=User.departments.through,
            weak=False,
            dispatch_uid="documents.forget_authority",
        )
