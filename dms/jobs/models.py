import uuid

from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    READY = "READY", "待機中"
    RUNNING = "RUNNING", "実行中"
    SUCCESSFUL = "SUCCESSFUL", "完了"
    FAILED = "FAILED", "失敗"


class Job(models.Model):
    """One enqueued task. A RUNNING job whose lease has expired is claimable again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_path = models.CharField(max_length=255)
    queue_name = models.CharField(max_length=64, default="default")
    backend_alias = models.CharField(max_length=64, default="default")
    priority = models.SmallIntegerField(default=0)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.READY)
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    worker_ids = models.JSONField(default=list)
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    errors = models.JSONField(default=list)  # [{"exception_class_path", "traceback"}]
    return_value = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "queue_name", "run_after"], name="jobs_claimable_idx"),
            models.Index(fields=["status", "lease_expires_at"], name="jobs_lease_idx"),
        ]
        ordering = ["-enqueued_at"]

    def __str__(self) -> str:
        return f"{self.task_path} [{self.status}] attempt {self.attempts}/{self.max_attempts}"


class PeriodicSchedule(models.Model):
    """When a periodic task (``dms.jobs.schedule.every``) is next due; one row per task."""

    name = models.CharField(max_length=255, primary_key=True)  # the task's module path
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_run_at.isoformat()}"
