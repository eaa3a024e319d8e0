"""Changes to the approval rules and the organisation data the routes use, one function
each: matter types, the delegation table (専決規程), route templates, deputies (代決者) and
absences (不在).

The API checks who may call these (administrators for the rules and deputies; a person
for their own absences, administrators for anyone's); each function checks the data's
own rules with the same refusals as the rules file (a route with no or two 決裁, an
amount band that overlaps another), writes in one transaction and appends to the audit
trail. Cases already on their way are not affected: a case copies its route when drafted.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model

from approvals import errors, routing, rules_file
from approvals.models import (
    Case,
    CaseKind,
    DelegationRule,
    MatterType,
    RouteTemplate,
    TemplateStep,
)
from dms.accounts.models import Absence, Deputy, Role
from dms.audit import trail
from dms.errors import ApiError


def _audit(action: str, target: Model, *, user, request, details: dict | None = None) -> None:
    trail.record(
        actor=user,
        action=action,
        target=target,
        request=request,
        details={"model": target.__class__.__name__, **(details or {})},
    )


def _in_use(message: str, message_en: str) -> ApiError:
    return ApiError("in_use", message, message_en, 409)


# --- matter types, delegation table, templates -------------------------------------------------
def _check_matter_type(instance: MatterType | None, data: dict) -> None:
    code = data.get("code", instance.code if instance else None)
    if MatterType.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        raise errors.invalid(
            "duplicate_code",
            f"コード「{code}」の事案種別はすでにあります。",
            f"A matter type with code {code!r} already exists.",
            field="code",
        )


def _check_delegation(instance: DelegationRule | None, data: dict) -> None:
    """The band must not overlap another line of the same matter type (as in the file)."""
    matter_type = data.get("matter_type", getattr(instance, "matter_type", None))
    low = data.get("amount_from", getattr(instance, "amount_from", None))
    high = data.get("amount_below", getattr(instance, "amount_below", None))
    if low is not None and high is not None and high <= low:
        raise errors.invalid(
            "invalid_band",
            "金額(未満)は金額(以上)より大きくしてください。",
            "amount_below must be above amount_from.",
            field="amount_below",
        )
    start, end = low or 0, high if high is not None else float("inf")
    others = DelegationRule.objects.filter(matter_type=matter_type).exclude(
        pk=getattr(instance, "pk", None)
    )
    for other in others:
        other_start = other.amount_from or 0
        other_end = other.amount_below if other.amount_below is not None else float("inf")
        if start < other_end and other_start < end:
            raise errors.invalid(
                "overlapping_band",
                f"金額帯が既存の行({other.amount_from or 0:,}円〜)と重なっています。",
                f"The amount band overlaps the line from {other.amount_from or 0} yen.",
                field="amount_from",
            )


def _check_template(instance: RouteTemplate | None, data: dict) -> None:
    code = data.get("code", getattr(instance, "code", None))
    if RouteTemplate.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        raise errors.invalid(
            "duplicate_code",
            f"コード「{code}」のテンプレートはすでにあります。",
            f"A template with code {code!r} already exists.",
            field="code",
        )
    level = data.get("decision_level", getattr(instance, "decision_level", None))
    department = data.get("department", getattr(instance, "department", None))
    same_slot = RouteTemplate.objects.filter(decision_level=level, department=department).exclude(
        pk=getattr(instance, "pk", None)
    )
    if same_slot.exists():
        raise errors.invalid(
            "duplicate_template",
            "この決裁区分と起案課のテンプレートはすでにあります。",
            "There is already a template for this decision level and section.",
            field="decision_level",
        )
    if "steps" in data:
        shape: dict[int, list] = {}
        for step in data["steps"]:
            shape.setdefault(step["position"], []).append(step["kind"])
        kinds = []
        for position in sorted(shape):
            if len(set(shape[position])) != 1:
                raise errors.invalid_route(
                    f"{position}番目の段階に種別の違う担当が混ざっています。",
                    f"Step {position} mixes kinds of step.",
                    position=position,
                )
            kinds.append((shape[position][0], len(shape[position])))
        routing.validate(CaseKind.DECISION, kinds)


CHECKS = {
    MatterType: _check_matter_type,
    DelegationRule: _check_delegation,
    RouteTemplate: _check_template,
    Deputy: lambda instance, data: _check_deputy(instance, data),
}


def _check_deputy(instance: Deputy | None, data: dict) -> None:
    post = data.get("post", getattr(instance, "post", None))
    order = data.get("order", getattr(instance, "order", 1))
    taken = Deputy.objects.filter(post=post, order=order).exclude(pk=getattr(instance, "pk", None))
    if taken.exists():
        raise errors.invalid(
            "duplicate_order",
            f"「{post}」の代決順位 {order} はすでに登録されています。",
            f"Deputy order {order} of {post} is already taken.",
            field="order",
        )


def save(model: type[Model], instance: Model | None, data: dict, *, user, request=None) -> Model:
    """Create (``instance`` None) or change a rule row; a template's steps are replaced."""
    CHECKS[model](instance, data)
    data = dict(data)
    steps = data.pop("steps", None)
    with transaction.atomic():
        if instance is None:
            instance = model.objects.create(**data)
        else:
            for name, value in data.items():
                setattr(instance, name, value)
            instance.save()
        if steps is not None:
            instance.steps.all().delete()
            for step in steps:
                TemplateStep.objects.create(template=instance, **step)
        _audit(
            "rules_save",
            instance,
            user=user,
            request=request,
            details={"fields": sorted(data) + (["steps"] if steps is not None else [])},
        )
    return instance


def delete(instance: Model, *, user, request=None) -> None:
    if isinstance(instance, MatterType) and (
        Case.objects.filter(matter_type=instance).exists()
        or DelegationRule.objects.filter(matter_type=instance).exists()
    ):
        raise _in_use(
            "案件または専決規程で使われている事案種別は削除できません。",
            "A matter type used by cases or the delegation table cannot be deleted.",
        )
    with transaction.atomic():
        _audit("rules_delete", instance, user=user, request=request)
        instance.delete()


class ApprovalRules:
    """The audit target of a whole-file import: the rule set itself."""

    pk = "all"


def import_rules(data, *, user, request=None) -> dict[str, int]:
    """Replace the rules with a rules file's content (all or nothing)."""
    if not isinstance(data, dict):
        raise errors.invalid(
            "invalid_rules_file",
            "規程ファイルは一つのオブジェクト(JSON)です。",
            "The rules file must hold one JSON object.",
        )
    try:
        with transaction.atomic():
            counts = rules_file.load(data)
            _audit(
                "rules_import",
                ApprovalRules(),
                user=user,
                request=request,
                details=counts,
            )
    except rules_file.RulesFileError as fault:
        raise errors.invalid(
            "invalid_rules_file",
            f"規程ファイルに誤りがあります(変更なし): {fault}",
            f"The rules file has a fault (nothing changed): {fault}",
            where=fault.where,
        ) from fault
    return counts


# --- absences ----------------------------------------------------------------------------------
def save_absence(instance: Absence | None, data: dict, *, user, request=None) -> Absence:
    """A person's own absence; administrators may register anyone's."""
    administrator = user.is_superuser or user.role == Role.ADMINISTRATOR
    person = data.get("user", getattr(instance, "user", None) or user)
    if person != user and not administrator:
        raise errors.forbidden(
            "not_own_absence",
            "他の職員の不在を登録できるのはシステム管理者だけです。",
            "Only administrators may register someone else's absence.",
        )
    with transaction.atomic():
        if instance is None:
            instance = Absence.objects.create(**{**data, "user": person})
        else:
            for name, value in data.items():
                setattr(instance, name, value)
            instance.save()
        _audit(
            "absence_save",
            instance,
            user=user,
            request=request,
            details={
                "user": person.username,
                "starts_at": instance.starts_at.isoformat(),
                "ends_at": instance.ends_at.isoformat(),
            },
        )
    return instance
