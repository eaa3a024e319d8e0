from django.core.management.base import BaseCommand

from dms.storage import ObjectStoreError
from retention import locks
from retention.models import DocumentRetention


class Command(BaseCommand):
    help = (
        "Compare every stored object's Object Lock with the database's retention; report "
        "differences and, unless --report-only, repair them (never shortening a lock)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--report-only", action="store_true")

    def handle(self, *args, report_only: bool, **options):
        differences = failures = checked = 0
        entries = DocumentRetention.objects.filter(document__destroyed_at__isnull=True)
        for document_id in entries.values_list("pk", flat=True).iterator():
            checked += 1
            try:
                found = locks.sync_document(document_id, repair=not report_only)
            except ObjectStoreError as exc:
                failures += 1
                self.stderr.write(f"document {document_id}: store error: {exc}")
                continue
            for d in found:
                differences += 1
                verb = "repaired" if d.repaired else "differs"
                self.stdout.write(
                    f"document {d.document_id} {d.key} {d.version_id}: {d.what} {verb} "
                    f"(store {d.store}, wanted {d.wanted})"
                )
        self.stdout.write(
            f"{checked} documents checked, {differences} differences"
            f"{'' if report_only else ' repaired'}, {failures} store errors"
        )
        if failures or (report_only and differences):
            raise SystemExit(1)
