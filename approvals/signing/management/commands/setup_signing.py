"""``manage.py setup_signing``: Kiroku's issuing CA and a key and certificate per person.

Idempotent: the CA is created once, and only people without a signing identity get one
(their key pair generated inside the token). Without a configured token it says so and
exits 0 unless ``--require`` is given, so the quick start (no signing service) runs it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from approvals.signing import flow, keys
from approvals.signing.models import SigningIdentity


class Command(BaseCommand):
    help = "Create Kiroku's signing CA and each active person's key and certificate."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="only these people (default: all)")
        parser.add_argument(
            "--require", action="store_true", help="fail when signing is not configured"
        )

    def handle(self, *args, usernames, require, **options):
        if not flow.enabled():
            message = "signing is off (KIROKU_TSA_URL / KIROKU_SIGNING_PIN unset); nothing done"
            if require:
                raise CommandError(message)
            self.stdout.write(message)
            return
        try:
            authority = keys.ensure_authority()
            people = get_user_model().objects.filter(is_active=True).order_by("id")
            if usernames:
                people = people.filter(username__in=usernames)
            have = set(SigningIdentity.objects.values_list("user_id", flat=True))
            created = 0
            for user in people:
                if user.pk not in have:
                    keys.ensure_identity(user)
                    created += 1
        except keys.SigningUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"signing CA {authority.key_label}: {created} new identities, "
            f"{SigningIdentity.objects.count()} in all"
        )
