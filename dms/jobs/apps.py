from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "dms.jobs"
    label = "jobs"
    verbose_name = "ジョブ"

    def ready(self) -> None:
        # Registered from here, not by dms.health, which would otherwise import this app
        # while this app's probe imports dms.health.
        from dms import health
        from dms.jobs.health import probe_job_queue

        health.register_probe("job_queue", probe_job_queue)
