import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg.conninfo import make_conninfo

from dms.audit import ownership


def owner_conninfo(owner_url: str) -> str:
    """The owner's credentials from ``owner_url``, on the app's own database."""
    return make_conninfo(owner_url, dbname=connection.settings_dict["NAME"])


class Command(BaseCommand):
    help = (
        "PostgreSQL: give the audit tables to their own owner role, so that the app's role "
        "may only append and read them (docs/security.md). Run after every migrate, with "
        "the owner's credentials in KIROKU_AUDIT_OWNER_URL (never given to web or worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--release",
            action="store_true",
            help="give the tables back to the app's role, for a migration that alters them",
        )

    def handle(self, *args, release, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("secure_audit: nothing to do on " + connection.vendor)
            return
        owner_url = os.environ.get("KIROKU_AUDIT_OWNER_URL", "")
        if not owner_url:
            raise CommandError(
                "KIROKU_AUDIT_OWNER_URL is not set: the audit owner role's connection URL "
                "(監査証跡の所有者ロールの接続先を設定してください)"
            )
        app_role = connection.settings_dict["USER"]
        conninfo = owner_conninfo(owner_url)
        if release:
            ownership.release(conninfo, app_role)
            self.stdout.write(f"audit tables given back to {app_role} (run secure_audit again)")
            return
        owner = ownership.secure(conninfo, app_role)
        self.stdout.write(f"audit tables owned by {owner}; {app_role} may only append and read")
