from django.core.management.base import BaseCommand, CommandError

from dms.health import DEGRADED, OK, run_probes

MARKS = {OK: "OK  ", DEGRADED: "WARN"}


class Command(BaseCommand):
    help = "Check every backend Kiroku is configured to use; exit non-zero naming any that is down."

    def handle(self, *args, **options):
        results = run_probes()
        for name, result in results.items():
            mark = MARKS.get(result.status, "DOWN")
            analysis = result.capabilities.get("analysis")
            extra = f" analysis={analysis}" if analysis else ""
            line = f"{mark} {name:<22} {result.backend} {result.version}{extra}  {result.detail}"
            self.stdout.write(line.rstrip())
        degraded = [name for name, result in results.items() if result.status == DEGRADED]
        if degraded:  # answering, but work is backing up: worth a look, not a failure
            details = "; ".join(f"{name}: {results[name].detail}" for name in degraded)
            self.stderr.write(f"警告: 処理が滞っています (degraded): {details}")
        down = [name for name, result in results.items() if result.status not in MARKS]
        if down:
            details = "; ".join(f"{name}: {results[name].detail}" for name in down)
            raise CommandError(f"サービスが利用できません (services down): {details}")
