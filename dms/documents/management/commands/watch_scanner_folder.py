import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from dms.documents.scanner import scan_once


class Command(BaseCommand):
    help = "Ingest files from the scanner drop folder (<dir>/<department code>/<file>)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=settings.SCANNER_DIR)
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, dir, once, interval, **options):
        root = Path(dir)
        root.mkdir(parents=True, exist_ok=True)
        while True:
            for outcome in scan_once(root):
                if outcome.error:
                    self.stderr.write(f"失敗 {outcome.path}: {outcome.error}")
                else:
                    self.stdout.write(f"登録 {outcome.path} -> document {outcome.document_id}")
            if once:
                return
            time.sleep(interval)
