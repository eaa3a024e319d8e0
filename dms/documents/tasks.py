"""The documents' tasks, as the job worker finds them: each a thin declaration over the
plain functions that do the work (``processing``), plus what to do when one gives up.

A job stores its task's path (``dms.documents.tasks.process_version``); migration
``0005_process_version_task_path`` moved the jobs queued under the path it had before
(``dms.documents.processing.process_version``).
"""

from django_tasks import task

from dms.documents import ingest, lifecycle, processing
from dms.documents.models import Version
from dms.jobs import on_give_up


@task()
def process_version(version_id: int) -> dict:
    """Extract, archive and thumbnail a new version: :func:`processing.process`."""
    return processing.process(version_id)


# Small and frees storage: ahead of OCR once due.
@task(priority=10)
def remove_unrecorded(key: str, version_id: str) -> None:
    """Delete an upload that was not recorded once its quarantine ends:
    :func:`ingest.remove_unrecorded`."""
    ingest.remove_unrecorded(key, version_id)


@on_give_up(process_version)
def mark_failed(args, kwargs, error: str) -> None:
    version_id = args[0] if args else kwargs["version_id"]
    document_id = (
        Version.objects.filter(pk=version_id).values_list("document_id", flat=True).first()
    )
    if document_id is not None:
        lifecycle.mark_failed(document_id, error)
