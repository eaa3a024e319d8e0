from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from retention.schedule import ScheduleError, load


class Command(BaseCommand):
    help = "Load a city's retention schedule (CSV or YAML); nothing changes on any error."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="mark classes not in the file inactive (they stay for existing files)",
        )

    def handle(self, *args, file: Path, deactivate_missing: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            created, updated = load(file, deactivate_missing=deactivate_missing)
        except ScheduleError as error:
            raise CommandError(f"{file}: {error} (nothing was changed)") from None
        self.stdout.write(f"{created} classes created, {updated} updated from {file}")
