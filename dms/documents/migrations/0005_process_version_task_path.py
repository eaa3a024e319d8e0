"""The ``process_version`` task moved from ``dms.documents.processing`` to
``dms.documents.tasks``. Jobs store the task's path, by which the worker imports the task
and finds its give-up handler: the stored paths move with it, so jobs queued (or waiting for
a retry) before the upgrade still run, and still mark their document failed if they give up.
"""

from django.db import migrations

OLD = "dms.documents.processing.process_version"
NEW = "dms.documents.tasks.process_version"


def rename(old: str, new: str):
    def run(apps, schema_editor):
        apps.get_model("jobs", "Job").objects.filter(task_path=old).update(task_path=new)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_extraction_results"),
        ("jobs", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
