from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from dms.documents import orphans


class Command(BaseCommand):
    help = (
        "Report objects under originals/ and derived/ that no document version points at "
        "(older than the grace period); with --delete, remove them. Objects under retention "
        "or legal hold are reported and kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=orphans.DEFAULT_GRACE.total_seconds() / 3600,
            help="leave objects younger than this alone: an upload in flight has no row yet",
        )
        parser.add_argument("--delete", action="store_true", help="remove what is reported")

    def handle(self, *args, grace_hours, delete, **options):
        if grace_hours < 0:
            raise CommandError("--grace-hours は 0 以上です (must not be negative)")
        sweep = orphans.find_orphans(grace=timedelta(hours=grace_hours))
        for info in sweep.orphans:
            lock = " locked" if info.is_locked() else ""
            self.stdout.write(
                f"孤立 orphan {info.key} version={info.version_id} size={info.size} "
                f"stored={info.last_modified.isoformat()}{lock}"
            )
        self.stdout.write(
            f"孤立オブジェクト {len(sweep.orphans)} 件 {sweep.size} バイト "
            f"(orphaned objects: {len(sweep.orphans)}, {sweep.size} bytes)"
        )
        if not delete:
            if sweep.orphans:
                self.stdout.write("削除するには --delete を付けてください (run with --delete).")
            return
        orphans.delete_orphans(sweep)
        self.stdout.write(
            f"削除 {len(sweep.deleted)} 件、保存期間・保留中のため削除不可 {len(sweep.locked)} 件 "
            f"(deleted: {len(sweep.deleted)}, kept under retention or legal hold: "
            f"{len(sweep.locked)})"
        )
        for info in sweep.locked:
            self.stderr.write(f"削除不可 locked {info.key} version={info.version_id}")
