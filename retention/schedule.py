"""Reading a city's retention schedule (CSV or YAML): every row checked before any change.

Columns / keys: code, name, name_en, duration, unit, start_rule, action, registered,
active. A fault raises :class:`ScheduleError` naming the file's line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from django.db import transaction

from retention.models import Action, DurationUnit, RetentionClass, StartRule

FIELDS = (
    "code",
    "name",
    "name_en",
    "duration",
    "unit",
    "start_rule",
    "action",
    "registered",
    "active",
)
TRUE, FALSE = {"true", "yes", "1", "はい", "○"}, {"false", "no", "0", "いいえ", "", "×"}


class ScheduleError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


def _flag(value, line: int, name: str, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False if text else default
    raise ScheduleError(line, f"{name}: {value!r} is not yes/no")


def _row(raw: dict, line: int) -> dict:
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise ScheduleError(line, f"unknown column(s) {', '.join(sorted(unknown))}")
    code = str(raw.get("code") or "").strip()
    name = str(raw.get("name") or "").strip()
    if not code or not name:
        raise ScheduleError(line, "code and name are required")
    unit = str(raw.get("unit") or "").strip()
    if unit not in DurationUnit.values:
        raise ScheduleError(line, f"unit {unit!r}: one of {', '.join(DurationUnit.values)}")
    duration = raw.get("duration")
    if unit in (DurationUnit.WHILE_IN_USE, DurationUnit.PERMANENT):
        if duration not in (None, ""):
            raise ScheduleError(line, f"{unit} has no duration")
        duration = None
    else:
        try:
            duration = int(str(duration).strip())
        except ValueError:
            raise ScheduleError(line, f"duration {duration!r} is not a whole number") from None
        if duration < 1:
            raise ScheduleError(line, "duration must be at least 1")
    start_rule = str(raw.get("start_rule") or StartRule.NEXT_FISCAL_YEAR).strip()
    if start_rule not in StartRule.values:
        raise ScheduleError(
            line, f"start_rule {start_rule!r}: one of {', '.join(StartRule.values)}"
        )
    action = str(raw.get("action") or Action.UNDECIDED).strip()
    if action not in Action.values:
        raise ScheduleError(line, f"action {action!r}: one of {', '.join(Action.values)}")
    return {
        "code": code,
        "name": name,
        "name_en": str(raw.get("name_en") or "").strip(),
        "duration": duration,
        "unit": unit,
        "start_rule": start_rule,
        "action": action,
        "registered": _flag(raw.get("registered"), line, "registered", True),
        "active": _flag(raw.get("active"), line, "active", True),
    }


def parse(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            root = yaml.compose(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ScheduleError(mark.line + 1 if mark else 1, f"not YAML: {exc}") from None
        items = root.value if root and root.tag.endswith(":map") else None
        nodes = next((v for k, v in items or [] if k.value == "classes"), None)
        if nodes is None or not nodes.tag.endswith(":seq"):
            raise ScheduleError(1, "a list under 'classes:' is required")
        loader_rows = yaml.safe_load(text)["classes"]
        rows = []
        for node, raw in zip(nodes.value, loader_rows, strict=True):
            line = node.start_mark.line + 1
            if not isinstance(raw, dict):
                raise ScheduleError(line, "each class is a mapping")
            rows.append(_row(raw, line))
    else:
        reader = csv.DictReader(io.StringIO(text))
        rows = [_row({k: v for k, v in raw.items() if k}, reader.line_num) for raw in reader]
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row["code"] in seen:
            raise ScheduleError(index + 2, f"code {row['code']!r} appears twice")
        seen[row["code"]] = index
    if not rows:
        raise ScheduleError(1, "no classes")
    return rows


def load(path: Path, *, deactivate_missing: bool = False) -> tuple[int, int]:
    """Create or update every class of ``path``; all or nothing. Returns (created, updated)."""
    rows = parse(path)
    codes = [row["code"] for row in rows]
    created = updated = 0
    with transaction.atomic():
        for order, row in enumerate(rows):
            code = row.pop("code")
            _, new = RetentionClass.objects.update_or_create(
                code=code, defaults={**row, "sort_order": order}
            )
            created, updated = created + new, updated + (not new)
        if deactivate_missing:
            RetentionClass.objects.exclude(code__in=codes).update(active=False)
    return created, updated
