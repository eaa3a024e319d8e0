"""Who may see and change a document.

A document is visible to its department and the departments above it, to the users and
groups it is shared with, and to records officers and administrators
(``Document.objects.visible_to``). Changing it needs the department (or one above) or a
records officer's role; a share grants reading only.
"""

from dms.accounts.models import Department


def department_ids_with_authority(user) -> set[int]:
    """The user's departments and everything below them."""
    ids = set(user.departments.values_list("id", flat=True))
    frontier = set(ids)
    while frontier:
        frontier = (
            set(Department.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
            - ids
        )
        ids |= frontier
    return ids


def can_change(user, document) -> bool:
    if user.sees_everything:
        return True
    return document.department_id in department_ids_with_authority(user)


def can_upload_to(user, department) -> bool:
    return user.sees_everything or department.id in department_ids_with_authority(user)
