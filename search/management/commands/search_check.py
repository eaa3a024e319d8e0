"""``manage.py search_check``: compare the database with the index, and repair."""

from django.core.management.base import BaseCommand

from search.backends import get_backend
from search.consistency import check


class Command(BaseCommand):
    help = "Compare documents with the search index; --repair fixes the differences."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="only report (default: repair missing, stale and extra entries)",
        )

    def handle(self, *args, **options):
        backend = get_backend()
        report = check(backend, repair=not options["dry_run"])
        self.stdout.write(
            f"{backend.engine}: {report.documents} documents, {report.indexed} indexed; "
            f"missing {len(report.missing)}, stale {len(report.stale)}, "
            f"extra {len(report.extra)}, ahead {len(report.ahead)}; "
            f"repaired {report.repaired}"
        )
        for label, ids in (
            ("missing", report.missing),
            ("stale", report.stale),
            ("extra", report.extra),
            ("ahead of the database (run reindex)", report.ahead),
        ):
            if ids:
                self.stdout.write(f"  {label}: {', '.join(map(str, ids[:50]))}")
        if options["dry_run"] and not report.clean:
            raise SystemExit(1)
