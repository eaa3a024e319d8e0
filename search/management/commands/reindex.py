"""``manage.py reindex``: rebuild the search index from the database without downtime."""

import time

from django.core.management.base import BaseCommand

from search.backends import get_backend
from search.consistency import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index (new index, alias switch, old index dropped)."

    def handle(self, *args, **options):
        backend = get_backend()
        started = time.monotonic()
        result, report = rebuild(backend)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{backend.engine} ({backend.analysis}): {result.indexed} documents indexed "
            f"in {elapsed:.1f} s; {report.repaired} caught up after the switch"
        )
        if result.errors:
            for error in result.errors[:20]:
                self.stderr.write(error)
            raise SystemExit(1)
