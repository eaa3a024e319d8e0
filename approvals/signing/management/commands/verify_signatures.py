"""``manage.py verify_signatures CASE [CASE…]``: every signature of each case's latest
decision PDF, as the verification API reports it; exit status 1 if any is not valid."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from approvals.models import Case
from approvals.signing.verification import verify_case


class Command(BaseCommand):
    help = "Verify the signatures of cases' decision PDFs (exit 1 if one is broken)."

    def add_arguments(self, parser):
        parser.add_argument("cases", nargs="+", type=int)

    def handle(self, *args, cases, **options):
        bad = []
        for pk in cases:
            case = Case.objects.filter(pk=pk).first()
            if case is None:
                raise CommandError(f"no case {pk}")
            report = verify_case(case)
            self.stdout.write(f"case {pk}: revision {report['revision']} sha256 {report['sha256']}")
            for s in report["signatures"]:
                verdict = "OK" if s["intact"] and s["valid"] and s["trusted"] else "BROKEN"
                self.stdout.write(
                    f"  {verdict:6} {s['signer_name']} {s['capacity_label']} "
                    f"ts={s['timestamp_at']} intact={s['intact']} valid={s['valid']} "
                    f"trusted={s['trusted']} coverage={s['coverage']}"
                )
            for p in report["pending"]:
                self.stdout.write(f"  PENDING {p['signer_name']} {p['action']} {p['acted_at']}")
            if not all(s["intact"] and s["valid"] and s["trusted"] for s in report["signatures"]):
                bad.append(pk)
        if bad:
            raise CommandError(f"broken signatures in case(s) {', '.join(map(str, bad))}")
