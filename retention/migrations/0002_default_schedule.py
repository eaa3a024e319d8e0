from pathlib import Path

import yaml
from django.db import migrations

DEFAULT = Path(__file__).resolve().parent.parent / "schedules" / "default.yaml"


def load_default(apps, schema_editor):
    # The shipped schedule (domain.md §1); a city replaces it with load_retention_schedule.
    RetentionClass = apps.get_model("retention", "RetentionClass")
    rows = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))["classes"]
    for order, row in enumerate(rows):
        RetentionClass.objects.update_or_create(
            code=row["code"],
            defaults={**{k: v for k, v in row.items() if k != "code"}, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(load_default, migrations.RunPython.noop)]
