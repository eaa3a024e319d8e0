from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "職員"
    APPROVER = "approver", "決裁者"
    RECORDS_OFFICER = "records_officer", "文書管理者"
    ADMINISTRATOR = "administrator", "システム管理者"


class DepartmentLevel(models.TextChoices):
    BUREAU = "bureau", "局"
    DIVISION = "division", "部"
    SECTION = "section", "課"


class Department(models.Model):
    """One node of the organisation tree (局 › 部 › 課)."""

    name = models.CharField("名称", max_length=100)
    name_en = models.CharField("英語名称", max_length=100, blank=True)
    code = models.SlugField("組織コード", max_length=40, unique=True)
    level = models.CharField("階層", max_length=10, choices=DepartmentLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "組織"
        verbose_name_plural = "組織"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Department"]:
        """Parents up to the root, nearest first."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def ancestor_ids(self) -> list[int]:
        return [department.id for department in self.ancestors()]

    def subtree_ids(self) -> list[int]:
        """This department and every department below it (one query per level)."""
        ids, frontier = [self.id], [self.id]
        while frontier:
            frontier = list(
                Department.objects.filter(parent_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("id", flat=True)
            )
            ids += frontier
        return ids


class User(AbstractUser):
    """A member of staff. Global roles live here; department membership below."""

    display_name = models.CharField("氏名", max_length=100, blank=True)
    role = models.CharField("役割", max_length=20, choices=Role.choices, default=Role.STAFF)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="members", verbose_name="所属"
    )

    class Meta:
        verbose_name = "職員"
        verbose_name_plural = "職員"

    @property
    def sees_everything(self) -> bool:
        """Records officers and administrators may see every document."""
        return self.is_superuser or self.role in {Role.RECORDS_OFFICER, Role.ADMINISTRATOR}


class LoginFailure(models.Model):
    """One failed (or in-flight) password check, counted against a user name or an address.

    Kept in the database, which every web process shares, so that the limit holds however
    many processes answer; rows older than the window are deleted as new attempts come.
    """

    key = models.CharField(max_length=200)  # "user:<name>" or "address:<ip>"
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.key} {self.at:%Y-%m-%d %H:%M:%S}"
