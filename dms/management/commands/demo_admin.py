import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the quick start's demo administrator once, and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def _demo_department(self, user) -> None:
        """A small organisation so that the demo administrator can upload at once."""
        from dms.accounts.models import Department

        bureau, _ = Department.objects.get_or_create(
            code="soumu",
            defaults={"name": "総務局", "name_en": "General Affairs Bureau", "level": "bureau"},
        )
        division, _ = Department.objects.get_or_create(
            code="soumu-bu",
            defaults={
                "name": "総務部",
                "name_en": "General Affairs Division",
                "level": "division",
                "parent": bureau,
            },
        )
        section, _ = Department.objects.get_or_create(
            code="bunsho",
            defaults={
                "name": "文書課",
                "name_en": "Records Section",
                "level": "section",
                "parent": division,
            },
        )
        if not user.departments.exists():
            user.departments.add(section)

    def handle(self, *args, username, **options):
        login_file = settings.VAR_DIR / "demo-login.txt"
        users = get_user_model().objects
        if not users.filter(username=username).exists() or not login_file.exists():
            password = secrets.token_urlsafe(12)
            user, _ = users.get_or_create(username=username, defaults={"email": ""})
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(f"{username} {password}\n")
            login_file.chmod(0o600)
        self._demo_department(users.get(username=username))
        username, password = login_file.read_text().split()
        self.stdout.write(f"デモ管理者 (demo administrator): {username} / {password}")
