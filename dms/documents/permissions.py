"""Who may see and change a document.

A document is visible to its department and the departments above it, to the users and
groups it is shared with, and to records officers and administrators
(``Document.objects.visible_to``). Changing it needs the department (or one above) or a
records officer's role; a share grants reading only.
"""

from dms.accounts.models import Department

_AUTHORITY = "_kiroku_authority"  # where the answer is kept on the user object


def department_ids_with_authority(user) -> frozenset[int]:
    """The user's departments and everything below them.

    Kept on the user object, which lives for one request, since a request asks more than
    once (may upload here? may change this?); a change of the user's memberships drops it
    (``forget_authority``).
    """
    cached = user.__dict__.get(_AUTHORITY)
    if cached is not None:
        return cached
    ids = set(user.departments.values_list("id", flat=True))
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


def can_change(user, document) -> bool:
    if user.sees_everything:
        return True
    return document.department_id in department_ids_with_authority(user)


def can_upload_to(user, department) -> bool:
    return user.sees_everything or department.id in department_ids_with_authority(user)
