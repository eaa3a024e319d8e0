"""Loading the approval rules (matter types, the delegation table 専決規程 and the route
templates) from a JSON or YAML file: configuration as data, not code.

The file replaces the delegation table and the templates as a whole, in one transaction;
matter types are added or renamed by code (a type cases use is never deleted). Any fault
is reported with the entry it is in (``templates[2].steps[1]``), or the line for a file
that does not parse, and nothing is changed. ``approvals/defaults/approval_rules.json``
is the default set; see it for the format.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.db.models import F

from approvals import routing
from approvals.models import (
    CaseKind,
    DecisionLevel,
    DelegationRule,
    MatterType,
    RouteTemplate,
    StepKind,
    TemplateStep,
)
from dms.accounts.models import Department, Post, PostLevel, User

DEFAULT_FILE = Path(__file__).parent / "defaults" / "approval_rules.json"


class RulesFileError(ValueError):
    """A fault in the rules file, naming where it is."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where


def read(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError as exc:  # PyYAML is optional; JSON always works
            raise RulesFileError(str(path), "YAML needs PyYAML; use JSON instead") from exc
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"line {mark.line + 1}" if mark else str(path)
            raise RulesFileError(line, f"not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RulesFileError(f"line {exc.lineno}", f"not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise RulesFileError(str(path), "the file must hold one mapping")
    return data


def _one_of(entry: dict, where: str, choices, name: str) -> str:
    value = entry.get(name)
    if value not in choices:
        raise RulesFileError(where, f"{name} {value!r} is not one of {', '.join(choices)}")
    return value


def _amount(entry: dict, where: str, name: str) -> int | None:
    value = entry.get(name)
    if value is not None and (not isinstance(value, int) or value < 0):
        raise RulesFileError(where, f"{name} must be a whole number of yen or null")
    return value


def _assignee(entry: dict, where: str) -> dict:
    keys = [k for k in ("relative_level", "post", "section", "user") if entry.get(k)]
    if len(keys) != 1:
        raise RulesFileError(where, "give exactly one of relative_level, post, section, user")
    key = keys[0]
    value = entry[key]
    if key == "relative_level":
        return {"relative_level": _one_of(entry, where, PostLevel.values, key)}
    model, field, target = {
        "post": (Post, "code", "assignee_post"),
        "section": (Department, "code", "assignee_section"),
        "user": (User, "username", "assignee_user"),
    }[key]
    found = model.objects.filter(**{field: value}).first()
    if found is None:
        raise RulesFileError(where, f"no {key} {value!r}")
    return {target: found}


def _delegation(data: dict, matter_codes: set[str]) -> list[dict]:
    rows, bands = [], {}
    for i, entry in enumerate(data.get("delegation") or []):
        where = f"delegation[{i}]"
        if entry.get("matter_type") not in matter_codes:
            raise RulesFileError(where, f"unknown matter_type {entry.get('matter_type')!r}")
        low, high = _amount(entry, where, "amount_from"), _amount(entry, where, "amount_below")
        if low is not None and high is not None and high <= low:
            raise RulesFileError(where, "amount_below must be above amount_from")
        level = _one_of(entry, where, DecisionLevel.values, "level")
        start, end = low or 0, high if high is not None else float("inf")
        for other_start, other_end, other in bands.get(entry["matter_type"], []):
            if start < other_end and other_start < end:
                raise RulesFileError(where, f"its amount band overlaps {other}")
        bands.setdefault(entry["matter_type"], []).append((start, end, where))
        rows.append(
            {
                "matter_type": entry["matter_type"],
                "amount_from": low,
                "amount_below": high,
                "decision_level": level,
            }
        )
    return rows


def _templates(data: dict) -> list[tuple[dict, list[dict]]]:
    result, seen = [], set()
    for i, entry in enumerate(data.get("templates") or []):
        where = f"templates[{i}]"
        code = entry.get("code")
        if not code or code in seen:
            raise RulesFileError(where, f"code {code!r} is missing or repeated")
        seen.add(code)
        level = _one_of(entry, where, DecisionLevel.values, "level")
        department = None
        if entry.get("section"):
            department = Department.objects.filter(code=entry["section"]).first()
            if department is None:
                raise RulesFileError(where, f"no section {entry['section']!r}")
        steps, shape = [], []
        for j, step in enumerate(entry.get("steps") or [], start=1):
            step_where = f"{where}.steps[{j - 1}]"
            kind = _one_of(step, step_where, StepKind.values, "kind")
            group = step.get("parallel") or [step]
            for k, member in enumerate(group):
                member_where = f"{step_where}.parallel[{k}]" if "parallel" in step else step_where
                steps.append(
                    {
                        "position": j,
                        "kind": kind,
                        "optional": bool(member.get("optional")),
                        **_assignee(member, member_where),
                    }
                )
            shape.append((kind, len(group)))
        try:
            routing.validate(CaseKind.DECISION, shape)
        except Exception as exc:
            raise RulesFileError(where, getattr(exc, "message_en", str(exc))) from exc
        template = {
            "code": code,
            "name": entry.get("name") or code,
            "decision_level": level,
            "department": department,
        }
        result.append((template, steps))
    return result


def load(data: dict) -> dict[str, int]:
    """Check everything first, then replace the rules in one transaction."""
    matter_types = data.get("matter_types") or []
    for i, entry in enumerate(matter_types):
        if not entry.get("code") or not entry.get("name"):
            raise RulesFileError(f"matter_types[{i}]", "code and name are required")
    codes = {entry["code"] for entry in matter_types} | set(
        MatterType.objects.values_list("code", flat=True)
    )
    delegation = _delegation(data, codes)
    templates = _templates(data)
    with transaction.atomic():
        for entry in matter_types:
            MatterType.objects.update_or_create(
                code=entry["code"],
                defaults={"name": entry["name"], "name_en": entry.get("name_en", "")},
            )
        DelegationRule.objects.all().delete()
        by_code = {m.code: m for m in MatterType.objects.all()}
        for row in delegation:
            DelegationRule.objects.create(**{**row, "matter_type": by_code[row["matter_type"]]})
        RouteTemplate.objects.all().delete()
        for template, steps in templates:
            created = RouteTemplate.objects.create(**template)
            for step in steps:
                TemplateStep.objects.create(template=created, **step)
    return {
        "matter_types": len(matter_types),
        "delegation": len(delegation),
        "templates": len(templates),
    }


def _assignee_entry(step: TemplateStep) -> dict:
    if step.relative_level:
        return {"relative_level": step.relative_level}
    if step.assignee_post_id:
        return {"post": step.assignee_post.code}
    if step.assignee_section_id:
        return {"section": step.assignee_section.code}
    return {"user": step.assignee_user.username}


def dump() -> dict:
    """The rules in force, in the format :func:`load` reads (so an export loads back)."""
    templates = []
    for template in RouteTemplate.objects.select_related("department").prefetch_related(
        "steps__assignee_post", "steps__assignee_section", "steps__assignee_user"
    ):
        by_position: dict[int, list[TemplateStep]] = {}
        for step in template.steps.all():
            by_position.setdefault(step.position, []).append(step)
        steps = []
        for position in sorted(by_position):
            group = by_position[position]
            members = [
                {**_assignee_entry(s), **({"optional": True} if s.optional else {})} for s in group
            ]
            if len(group) == 1:
                steps.append({"kind": group[0].kind, **members[0]})
            else:
                steps.append({"kind": group[0].kind, "parallel": members})
        entry = {"code": template.code, "name": template.name, "level": template.decision_level}
        if template.department_id:
            entry["section"] = template.department.code
        templates.append({**entry, "steps": steps})
    return {
        "matter_types": [
            {"code": m.code, "name": m.name, "name_en": m.name_en}
            for m in MatterType.objects.order_by("code")
        ],
        "delegation": [
            {
                "matter_type": rule.matter_type.code,
                "amount_from": rule.amount_from,
                "amount_below": rule.amount_below,
                "level": rule.decision_level,
            }
            for rule in DelegationRule.objects.select_related("matter_type").order_by(
                "matter_type__code", F("amount_from").asc(nulls_first=True)
            )
        ],
        "templates": templates,
    }
