"""A document's history as each reader may see it.

The full audit view (every actor, refused attempts, client addresses) is for records
officers and administrators. Anyone else who can see the document gets a redacted view:
what they and the members of their departments (and those below) did, and what the system
did (processing), with no client addresses and no refused attempts but their own. A share
grants reading a document, not watching who else looks at it or probes it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from dms.audit.models import AuditEntry, Outcome
from dms.documents import permissions


def sees_full_history(user) -> bool:
    return user.sees_everything


def entries_for(user, document) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(document_id=document.pk).order_by("sequence")
    if sees_full_history(user):
        return entries
    colleagues = (
        get_user_model()
        .objects.filter(departments__in=permissions.department_ids_with_authority(user))
        .values("pk")
    )
    by_system = Q(actor_id__isnull=True, actor="system")
    return entries.filter(Q(actor_id=user.pk) | Q(actor_id__in=colleagues) | by_system).exclude(
        Q(outcome=Outcome.REFUSED) & ~Q(actor_id=user.pk)
    )
