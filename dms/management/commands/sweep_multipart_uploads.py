"""``manage.py sweep_multipart_uploads``: abort multipart uploads never finished."""

from django.core.management.base import BaseCommand, CommandError

from dms.storage import get_object_store
from dms.storage.multipart_sweep import parse_age, sweep_incomplete_uploads


class Command(BaseCommand):
    help = (
        "Abort multipart uploads left on the S3 server by an outage (for servers without "
        "an AbortIncompleteMultipartUpload lifecycle rule); run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            default="24h",
            help="only uploads begun longer ago than this (24h, 30m, 7d; default 24h)",
        )
        parser.add_argument("--dry-run", action="store_true", help="only list them")

    def handle(self, *args, older_than, dry_run, **options):
        try:
            age = parse_age(older_than)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        store = get_object_store()
        if not hasattr(store, "incomplete_uploads"):
            self.stdout.write(f"{store.backend}: no multipart uploads to sweep")
            return
        report = sweep_incomplete_uploads(store, age, dry_run=dry_run)
        verb = "would abort" if dry_run else "aborted"
        self.stdout.write(
            f"{store.backend}: {verb} {len(report.aborted)} upload(s) older than "
            f"{older_than}; kept {report.kept} younger one(s)"
        )
        for key in report.aborted[:50]:
            self.stdout.write(f"  {key}")
