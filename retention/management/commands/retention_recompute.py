from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from dms.errors import ApiError
from retention import bulk, services


class Command(BaseCommand):
    help = (
        "Recompute every record file's and document's retention dates at once (after a "
        "schedule change, or as a check) and pass the changed ones to the documents and "
        "the store's locks. PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; change nothing"
        )

    def handle(self, *args, dry_run: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("retention_recompute needs PostgreSQL (COPY and bool_or).")
        applied = refused = 0
        # All or nothing, as the per-row services: a refusal (the store already locks a
        # later date than the new schedule gives) leaves every date as it was.
        with transaction.atomic():
            result = bulk.recompute_all()
            changed = result["documents_changed"]
            for document_id in [] if dry_run else changed:
                try:
                    with transaction.atomic():
                        applied += services.reapply([document_id])
                except ApiError as error:
                    refused += 1
                    self.stderr.write(f"document {document_id}: {error.code}: {error.message_en}")
            if dry_run or refused:
                transaction.set_rollback(True)
        if refused:
            self.stdout.write(
                f"{refused} of {len(changed)} documents refused: nothing changed "
                f"({result['seconds']:.1f} s)"
            )
            raise SystemExit(1)
        self.stdout.write(
            f"{result['files_changed']} files and {len(changed)} documents "
            f"{'would change' if dry_run else 'changed'}, {applied} applied "
            f"({result['seconds']:.1f} s)"
        )
