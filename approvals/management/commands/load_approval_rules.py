"""``manage.py load_approval_rules [FILE]``: the delegation table and route templates."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from approvals import rules_file


class Command(BaseCommand):
    help = "専決規程と決裁経路テンプレートをファイル(JSON/YAML)から読み込みます(全置換)。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(rules_file.DEFAULT_FILE))

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"ファイルがありません / no such file: {path}")
        try:
            counts = rules_file.load(rules_file.read(path))
        except rules_file.RulesFileError as exc:
            raise CommandError(
                f"読み込めません(変更なし) / not loaded, nothing changed: {exc}"
            ) from exc
        self.stdout.write(
            f"事案種別 {counts['matter_types']}, 専決規程 {counts['delegation']} 行, "
            f"テンプレート {counts['templates']} 件を読み込みました。"
        )
