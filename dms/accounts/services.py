"""Changes to the organisation tree (所管換: a section moves to another bureau each April).

A department's place in the tree decides who sees its documents, so a move is never a
plain ``save()``: :func:`move_department` checks the actor and the tree, moves the
department, records the audit entry and enqueues the re-indexing of every document whose
visibility changed (:mod:`dms.accounts.tasks`), all in one transaction. There is no
``post_save`` signal doing this behind the caller's back; every way of moving a department
(``manage.py move_department``) calls this function.
"""

from __future__ import annotations

from django.db import transaction

from dms.accounts import tasks
from dms.accounts.models import Department, Role
from dms.audit import trail
from dms.audit.models import Outcome
from dms.documents.permissions import forget_authority
from dms.errors import ApiError

ACTION = "move_department"


def may_reorganise(user) -> bool:
    return user is not None and (user.is_superuser or user.role == Role.ADMINISTRATOR)


def move_department(
    department: Department, new_parent: Department | None, *, user, request=None
) -> Department:
    """Put ``department`` (and everything below it) under ``new_parent`` (None: a root).

    Raises :class:`ApiError` (after auditing the refused attempt) unless ``user`` is an
    administrator and the move keeps the tree a tree.
    """
    new_parent_id = new_parent.pk if new_parent is not None else None
    try:
        with transaction.atomic():
            # Moves are rare: locking every department serialises them, so two
            # concurrent moves cannot build a cycle between them.
            tree = {
                d.pk: d.parent_id for d in Department.objects.select_for_update().order_by("pk")
            }
            _check(department, new_parent_id, tree, user)
            moved = Department.objects.get(pk=department.pk)
            old_parent_id = moved.parent_id
            if old_parent_id == new_parent_id:
                return moved
            moved.parent_id = new_parent_id
            moved.save(update_fields=["parent"])
            affected = moved.subtree_ids()
            tasks.refresh_department_documents.enqueue(affected)
            trail.record(
                actor=user,
                action=ACTION,
                target=moved,
                request=request,
                details={
                    "code": moved.code,
                    "from_parent": old_parent_id,
                    "to_parent": new_parent_id,
                    "departments": affected,
                },
            )
    except ApiError as refusal:
        trail.record(
            actor=user,
            action=ACTION,
            target=department,
            request=request,
            outcome=Outcome.REFUSED,
            details={"reason": refusal.message, "code": refusal.code, "to_parent": new_parent_id},
        )
        raise
    department.parent_id = new_parent_id
    forget_authority(user)  # its cached answers describe the old tree
    return moved


def _check(department: Department, new_parent_id: int | None, tree: dict, user) -> None:
    if not may_reorganise(user):
        raise ApiError(
            "not_allowed",
            "組織の変更はシステム管理者のみが行えます。",
            "Only an administrator may change the organisation.",
            403,
        )
    if department.pk not in tree or (new_parent_id is not None and new_parent_id not in tree):
        raise ApiError("not_found", "組織が見つかりません。", "Department not found.", 404)
    node = new_parent_id
    while node is not None:
        if node == department.pk:
            raise ApiError(
                "department_cycle",
                "組織をそれ自身またはその下位の組織の下に移すことはできません。",
                "A department cannot be moved under itself or a department below it.",
            )
        node = tree[node]
