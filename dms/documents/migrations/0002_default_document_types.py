from django.db import migrations

DEFAULT_TYPES = [
    ("application", "申請書", "Application"),
    ("contract", "契約書", "Contract"),
    ("invoice", "請求書", "Invoice"),
    ("draft", "起案文書", "Draft for decision"),
    ("minutes", "議事録", "Minutes"),
    ("notice", "通知", "Notice"),
    ("report", "報告書", "Report"),
    ("quotation", "見積書", "Quotation"),
    ("receipt", "領収書", "Receipt"),
    ("other", "その他", "Other"),
]


def add_types(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for position, (code, name, name_en) in enumerate(DEFAULT_TYPES):
        DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "ordering": position}
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
