from django.core.management.base import BaseCommand, CommandError

from dms.health import OK, run_probes


class Command(BaseCommand):
    help = "Check every backend Kiroku is configured to use; exit non-zero naming any that is down."

    def handle(self, *args, **options):
        results = run_probes()
        for name, result in results.items():
            mark = "OK  " if result.status == OK else "DOWN"
            analysis = result.capabilities.get("analysis")
            extra = f" analysis={analysis}" if analysis else ""
            line = f"{mark} {name:<22} {result.backend} {result.version}{extra}  {result.detail}"
            self.stdout.write(line.rstrip())
        down = [name for name, result in results.items() if result.status != OK]
        if down:
            details = "; ".join(f"{name}: {results[name].detail}" for name in down)
            raise CommandError(f"サービスが利用できません (services down): {details}")
