from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dms.accounts.models import Department
from dms.accounts.services import move_department
from dms.errors import ApiError


class Command(BaseCommand):
    help = (
        "Move a department (and everything below it) under another one (所管換), audited, "
        "and queue the re-indexing of the documents whose visibility changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="the department to move (組織コード)")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--parent", help="the new parent department's code")
        target.add_argument("--root", action="store_true", help="make it a top-level department")
        parser.add_argument("--user", required=True, help="the administrator doing it")

    def handle(self, *args, code, parent, root, user, **options):
        department = self._department(code)
        new_parent = None if root else self._department(parent)
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"ユーザーがいません (no such user): {user}")
        old_parent = department.parent
        try:
            move_department(department, new_parent, user=actor)
        except ApiError as refusal:
            raise CommandError(f"{refusal.message} ({refusal.message_en})") from refusal
        self.stdout.write(
            f"{department.code}: {old_parent.code if old_parent else '-'} → "
            f"{new_parent.code if new_parent else '-'}; "
            "文書の再索引を登録しました (re-indexing queued)."
        )

    def _department(self, code: str) -> Department:
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise CommandError(f"組織がありません (no such department): {code}")
        return department
