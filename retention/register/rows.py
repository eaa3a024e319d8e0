"""The register's rows from the database: one row per registered file, read in chunks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ja.dates import format_wareki
from retention.models import Action, DurationUnit, Extension, Medium, RecordFile
from retention.register.writers import Column

COLUMNS: list[Column] = [
    Column("id", "ファイルID", "File ID", public=False),
    Column("fiscal_year", "年度", "Fiscal year"),
    Column("category_major", "大分類", "Major class"),
    Column("category_middle", "中分類", "Middle class"),
    Column("title", "名称(小分類)", "Title"),
    Column("creator_post", "作成者", "Creator"),
    Column("start_date", "起算日", "Start date"),
    Column("start_date_wareki", "起算日(和暦)", "Start date (Japanese era)"),
    Column("period", "保存期間", "Retention period"),
    Column("expiry", "保存期間満了日", "Expiry date"),
    Column("expiry_wareki", "保存期間満了日(和暦)", "Expiry date (Japanese era)"),
    Column("medium", "媒体の種別", "Medium"),
    Column("location", "保存場所", "Location"),
    Column("custodian", "管理者", "Custodian"),
    Column("action", "保存期間満了時の措置", "Action at expiry"),
    Column("remarks", "備考", "Remarks"),
    Column("effective_expiry", "実効満了日", "Effective expiry", public=False),
    Column("on_hold", "保留中", "On hold", public=False),
    Column("status", "状態", "Status", public=False),
]
PUBLIC_COLUMNS = [column for column in COLUMNS if column.public]

# 1年未満 (months, days) is not registered, nor any class the city marks unregistered.
_UNREGISTERED_UNITS = [DurationUnit.MONTHS, DurationUnit.DAYS]


def registered_files() -> QuerySet[RecordFile]:
    """Files that belong in the register, with the extension years summed in one query."""
    extension_years = (
        Extension.objects.filter(record_file=OuterRef("pk"))
        .values("record_file")
        .annotate(total=Sum("years"))
        .values("total")
    )
    return (
        RecordFile.objects.filter(retention_class__registered=True)
        .exclude(retention_class__unit__in=_UNREGISTERED_UNITS)
        .select_related("retention_class", "custodian")
        .annotate(
            extension_years=Coalesce(
                Subquery(extension_years, output_field=IntegerField()), Value(0)
            )
        )
        .order_by("fiscal_year", "custodian__code", "id")
    )


def period_label(unit: str, duration: int | None, extension_years: int) -> str:
    """The cumulative period: 5年 extended by 3年 is shown as 8年 (domain.md §1)."""
    if unit == DurationUnit.YEARS:
        return f"{(duration or 0) + extension_years}年"
    return DurationUnit(unit).label


def _wareki(day: date | None) -> str:
    return format_wareki(day) if day else ""


def status_of(record_file: RecordFile) -> str:
    if record_file.closed_at is None:
        return "保存中"
    tombstone = getattr(record_file, "tombstone", None)
    if tombstone is not None and tombstone.method == "transfer":
        return "移管済"
    return "廃棄済"


def row_of(record_file: RecordFile) -> dict:
    klass = record_file.retention_class
    action = record_file.action or klass.action
    return {
        "id": record_file.pk,
        "fiscal_year": record_file.fiscal_year,
        "category_major": record_file.category_major,
        "category_middle": record_file.category_middle,
        "title": record_file.title,
        "creator_post": record_file.creator_post,
        "start_date": record_file.start_date.isoformat() if record_file.start_date else "",
        "start_date_wareki": _wareki(record_file.start_date),
        "period": period_label(
            klass.unit, klass.duration, getattr(record_file, "extension_years", 0) or 0
        ),
        "expiry": record_file.base_expiry.isoformat() if record_file.base_expiry else "",
        "expiry_wareki": _wareki(record_file.base_expiry),
        "medium": Medium(record_file.medium).label,
        "location": record_file.location,
        "custodian": record_file.custodian.name,
        "action": "" if action == Action.UNDECIDED else Action(action).label,
        "remarks": record_file.remarks,
        "effective_expiry": (
            record_file.effective_expiry.isoformat() if record_file.effective_expiry else ""
        ),
        "on_hold": record_file.open_hold,
        "status": status_of(record_file),
    }


def register_rows(
    queryset: QuerySet[RecordFile] | None = None, chunk_size: int = 2000
) -> Iterator[dict]:
    """Rows in register order, fetched ``chunk_size`` at a time (server-side cursor)."""
    queryset = registered_files() if queryset is None else queryset
    for record_file in queryset.iterator(chunk_size=chunk_size):
        yield row_of(record_file)
