import signal

from django.core.management.base import BaseCommand
from django_tasks import task_backends

from dms.jobs.worker import Worker


class Command(BaseCommand):
    help = "Run a job worker (runs until stopped; start as many as you like, on any machine)."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="append", dest="queues", default=None)
        parser.add_argument("--backend", default="default")
        parser.add_argument("--worker-id", default=None)
        parser.add_argument("--poll-interval", type=float, default=1.0)
        parser.add_argument("--until-empty", action="store_true", help="exit when no job is due")

    def handle(self, *args, queues, backend, worker_id, poll_interval, until_empty, **options):
        worker = Worker(
            backend_alias=backend,
            queues=queues or sorted(task_backends[backend].queues),
            worker_id=worker_id,
            recycle_connections=True,
            run_schedules=True,
        )

        def stop(signum, frame):  # finish the current job, then leave
            worker.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"worker {worker.worker_id} on queues {worker.queues}")
        done = worker.run(poll_interval=poll_interval, until_empty=until_empty)
        self.stdout.write(f"worker {worker.worker_id} stopped after {done} job(s)")
