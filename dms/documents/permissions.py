"""Who may see and change a document.

A document is visible to its department and the departments above it, to the users and
groups it is shared with, and to records officers and administrators
(``Document.objects.visible_to``). Changing it needs the department (or one above) or a
records officer's role; a share grants reading only.
"""

from dms.accounts.models import Department

_OWN = "_kiroku_own_departments"  # answers kept on the user object for one request
_AUTHORITY = "_kiroku_authority"


def own_departments(user) -> list[Department]:
    """The departments the user is a member of (kept on the user object, see below)."""
    cached = user.__dict__.get(_OWN)
    if cached is None:
        cached = user.__dict__[_OWN] = list(user.departments.all())
    return cached


def department_ids_with_authority(user) -> frozenset[int]:
    """The user's departments and everything below them.

    Kept on the user object, which lives for one request, since a request asks more than
    once (may upload here? may change this?); a change of the user's memberships drops it
    (``forget_authority``).
    """
    cached = user.__dict__.get(_AUTHORITY)
    if cached is not None:
        return cached
    ids = {department.id for department in own_departments(user)}
    frontier = set(ids)
    while frontier:
        frontier = (
            set(Department.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
            - ids
        )
        ids |= frontier
    user.__dict__[_AUTHORITY] = frozenset(ids)
    return user.__dict__[_AUTHORITY]


def forget_authority(user) -> None:
    user.__dict__.pop(_AUTHORITY, None)
    user.__dict__.pop(_OWN, None)


def can_change(user, document) -> bool:
    return _has_authority(user, document.department_id)


def _has_authority(user, department_id: int) -> bool:
    if user.sees_everything or any(d.id == department_id for d in own_departments(user)):
        return True  # the common case answers without walking the tree
    return department_id in department_ids_with_authority(user)


def can_upload_to(user, department) -> bool:
    return _has_authority(user, department.id)
