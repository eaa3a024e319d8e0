from django.core.management.base import BaseCommand, CommandError

from dms.audit import anchors
from dms.audit.models import AuditEntry
from dms.audit.trail import verify


class Command(BaseCommand):
    help = (
        "Check the audit trail: every entry's HMAC and chain link, and the chain against "
        "every anchor in WORM storage; exit non-zero if any entry was edited or removed."
    )

    def handle(self, *args, **options):
        problems = verify()
        anchors_checked, anchor_problems = anchors.check()
        problems += anchor_problems
        for problem in problems:
            self.stderr.write(f"#{problem.sequence}: {problem.reason}")
        if problems:
            raise CommandError(f"監査証跡の改ざんを検出しました ({len(problems)} problem(s))")
        self.stdout.write(
            f"監査証跡は完全です: {AuditEntry.objects.count()} entries, "
            f"{anchors_checked} anchors verified"
        )
