"""A changed password revokes every API token of the user.

Sessions need nothing here: Django keeps a hash of the password in each session and
refuses the session once the password changes. Tokens know nothing of the password, so
any save that changes it (the admin, ``changepassword``, ``set_password`` + ``save``)
deletes them.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from dms.accounts import tokens
from dms.accounts.models import User

_CHANGED = "_kiroku_password_changed"


@receiver(pre_save, sender=User)
def _note_password_change(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return  # a new user has no tokens; last_login updates do not touch the password
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance.__dict__[_CHANGED] = stored is not None and stored != instance.password


@receiver(post_save, sender=User)
def _revoke_tokens_after_password_change(sender, instance, **kwargs):
    if instance.__dict__.pop(_CHANGED, False):
        tokens.revoke_all(instance, reason="password_changed")
