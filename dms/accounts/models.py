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


# --- Posts (職), their holders over time, deputies and absences -----------------------
# Effective-dated so that the April reorganisation (所管換, new holders from 4/1) is data:
# approvals resolve a post to its holder on the day a route step opens, and the document
# ledger can reuse the same idea for its own organisation history.


class PostLevel(models.TextChoices):
    """The rank of a post; ``rank`` orders them (a higher approver may pull a case up)."""

    SUBSECTION_CHIEF = "subsection_chief", "係長"
    DEPUTY_SECTION_CHIEF = "deputy_section_chief", "課長補佐"
    SECTION_CHIEF = "section_chief", "課長"
    DIVISION_DIRECTOR = "division_director", "部長"
    BUREAU_DIRECTOR = "bureau_director", "局長"
    DEPUTY_MAYOR = "deputy_mayor", "副市長"
    MAYOR = "mayor", "市長"

    @classmethod
    def rank(cls, level: str) -> int:
        return cls.values.index(level)


class EffectiveDatedQuerySet(models.QuerySet):
    def effective_on(self, day):
        """Rows in force on ``day`` (``valid_until`` is the last day, inclusive)."""
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )


class EffectiveDated(models.Model):
    """A row in force from ``valid_from`` to ``valid_until`` (inclusive; open-ended if null)."""

    valid_from = models.DateField("適用開始日")
    valid_until = models.DateField("適用終了日", null=True, blank=True)

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        abstract = True


class Post(models.Model):
    """A post (職) such as 総務課長: a title and level in a department (none: city-wide)."""

    code = models.SlugField("職コード", max_length=60, unique=True)
    title = models.CharField("職名", max_length=100)
    title_en = models.CharField("英語職名", max_length=100, blank=True)
    level = models.CharField("職位", max_length=24, choices=PostLevel.choices)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        related_name="posts",
        on_delete=models.PROTECT,
        verbose_name="組織",
    )
    # The head of its department (a 合議 assigned to a section goes to its head).
    is_head = models.BooleanField("組織の長", default=False)

    class Meta:
        verbose_name = "職"
        verbose_name_plural = "職"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    @property
    def rank(self) -> int:
        return PostLevel.rank(self.level)

    def holder_on(self, day) -> "User | None":
        assignment = (
            self.assignments.effective_on(day)
            .select_related("user")
            .order_by("-valid_from")
            .first()
        )
        return assignment.user if assignment else None


class PostAssignment(EffectiveDated):
    """Who holds a post, from when to when (a new holder from 4/1 is a new row)."""

    post = models.ForeignKey(Post, related_name="assignments", on_delete=models.CASCADE)
    user = models.ForeignKey(User, related_name="post_assignments", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "職の発令"
        verbose_name_plural = "職の発令"
        indexes = [models.Index(fields=["user", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.post} {self.user} {self.valid_from}–{self.valid_until or ''}"


class Deputy(models.Model):
    """A pre-registered deputy (代決者) of a post, in order: a person, or another post."""

    post = models.ForeignKey(Post, related_name="deputies", on_delete=models.CASCADE)
    order = models.PositiveSmallIntegerField("順位", default=1)
    user = models.ForeignKey(
        User, null=True, blank=True, related_name="deputy_for", on_delete=models.CASCADE
    )
    deputy_post = models.ForeignKey(
        Post, null=True, blank=True, related_name="deputy_of", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = "代決者"
        verbose_name_plural = "代決者"
        ordering = ["post", "order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=True) ^ models.Q(deputy_post__isnull=True),
                name="deputy_is_a_person_or_a_post",
            ),
            models.UniqueConstraint(fields=["post", "order"], name="deputy_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.post} 代決{self.order}: {self.user or self.deputy_post}"

    def person_on(self, day) -> "User | None":
        return self.user if self.user_id else self.deputy_post.holder_on(day)


class AbsenceQuerySet(models.QuerySet):
    def at(self, moment):
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)


class Absence(models.Model):
    """A registered absence (不在): business trip, leave … from ``starts_at`` to ``ends_at``."""

    user = models.ForeignKey(User, related_name="absences", on_delete=models.CASCADE)
    starts_at = models.DateTimeField("開始")
    ends_at = models.DateTimeField("終了")
    reason = models.CharField("理由", max_length=200, blank=True)

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = "不在"
        verbose_name_plural = "不在"
        ordering = ["user", "starts_at"]
        indexes = [models.Index(fields=["user", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="absence_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} 不在 {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


def is_absent(user, moment) -> bool:
    return Absence.objects.filter(user=user).at(moment).exists()
