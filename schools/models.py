import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from lib.dates import today_in

# The smallest group whose aggregates may ever be shown. A school may raise it, never lower it.
MIN_CELL_SIZE = 10


class School(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    timezone = models.CharField(max_length=64, default="America/New_York")
    min_cell_size = models.PositiveSmallIntegerField(
        default=MIN_CELL_SIZE,
        validators=[MinValueValidator(MIN_CELL_SIZE)],
        help_text=f"Aggregates of fewer students than this are hidden (at least {MIN_CELL_SIZE}).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(min_cell_size__gte=MIN_CELL_SIZE), name="min_cell_size_floor"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def today(self) -> date:
        """Today where the school is: a check-in at 11 pm belongs to that day."""
        return today_in(self.timezone)


class Cohort(models.Model):
    """Students who expect to graduate in the same year: "Class of 2027"."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="cohorts")
    graduation_year = models.PositiveSmallIntegerField()
    # A cohort that has graduated (or was made by mistake): its invite codes stop working and
    # no new ones can be made; its published figures stay as they were.
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["school", "graduation_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "graduation_year"], name="one_cohort_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"Class of {self.graduation_year}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Phase(models.TextChoices):
    PRECLINICAL = "preclinical", "Pre-clinical"
    CORE = "core", "Core clerkships"
    ELECTIVE = "elective", "Electives"
    BOARD_STUDY = "board_study", "Board-exam study period"


class Rotation(models.Model):
    """An entry in the phase and rotation catalogue.

    The rows without a school are the catalogue every school shares (seeded by a migration,
    kept by the operator); a school administrator adds the school's own rows, and a school's
    catalogue is both. Rollups, releases and check-ins point at these rows, so a school's edit
    never touches a shared row another school's figures are keyed on.
    """

    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="rotations"
    )
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    # A declared group ("surgical", "medical") in which a rotation's figures may be released
    # together when its own are too few: a fixed, named set, never a free-form filter.
    group = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "school", name="one_rotation_name_per_school"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.school_id is None

    @classmethod
    def catalogue_of(cls, *schools: School) -> models.QuerySet:
        """The catalogue of `schools`: the shared rows and their own."""
        return cls.objects.filter(Q(school=None) | Q(school__in=schools)).order_by(
            "position", "name"
        )


class CohortPhase(models.Model):
    """When a cohort is in one phase of the curriculum: "Class of 2028, core clerkships,
    2026-05-04 to 2027-04-30"."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="phases")
    phase = models.CharField(max_length=20, choices=Phase.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["cohort", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "phase"], name="one_period_per_phase"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="phase_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.get_phase_display()}"


class VerifiedBy(models.TextChoices):
    ROSTER = "roster", "School roster"
    IDENTITY_PROVIDER = "identity_provider", "School's identity provider"


class Enrollment(models.Model):
    """A student's membership of one cohort (one per student).

    An invite code lets a person in; only a *verified* enrollment counts toward any figure
    staff see (see schools/roster.py): someone with a cohort's invite code could otherwise sign
    up fake classmates and subtract them out of a group's figures.
    """

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollment"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="enrollments")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    joined_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.CharField(max_length=20, choices=VerifiedBy.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["school", "cohort"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(verified_at__isnull=True) & Q(verified_by=""))
                | (Q(verified_at__isnull=False) & ~Q(verified_by="")),
                name="verified_at_with_verified_by",
            )
        ]

    def __str__(self) -> str:
        return f"enrollment in {self.cohort}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class RosterEntry(models.Model):
    """One student the school says is theirs, in one cohort: the school's own list (uploaded by
    its administrator), matched against students' verified email addresses."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="roster")
    email = models.EmailField(max_length=254)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="roster_entries")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cohort", "email"]
        constraints = [
            models.UniqueConstraint(fields=["school", "email"], name="one_roster_entry_per_email"),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="roster_email_lower"),
        ]

    def __str__(self) -> str:
        return f"roster entry in {self.cohort}"


class PlacementSource(models.TextChoices):
    SCHOOL = "school", "Your school's schedule"
    STUDENT = "student", "Added by you"


class FlagReason(models.TextChoices):
    DATES = "dates", "The dates are wrong"
    ROTATION = "rotation", "The rotation is wrong"
    SITE = "site", "The site is wrong"
    NOT_MINE = "not_mine", "This is not my block"


class Placement(models.Model):
    """Where a student is, from `starts_on` to `ends_on` inclusive.

    A block the school imports is keyed by the roster address it was listed under (`email`)
    and linked to the student once their enrollment is verified (schools/placements.py): the
    school schedules students before they join, and its administrator must not learn from the
    schedule which students use Well-Rounded. A block the student adds is theirs alone.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="placements",
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    rotation = models.ForeignKey(Rotation, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    site = models.CharField(max_length=120, blank=True)
    source = models.CharField(
        max_length=10, choices=PlacementSource.choices, default=PlacementSource.STUDENT
    )
    email = models.EmailField(max_length=254, blank=True)  # the roster address (school blocks)
    flagged_at = models.DateTimeField(null=True, blank=True)
    flag_reason = models.CharField(max_length=10, choices=FlagReason.choices, blank=True)

    class Meta:
        ordering = ["starts_on"]
        indexes = [
            models.Index(fields=["student", "starts_on"]),
            models.Index(fields=["school", "email"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="placement_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(source="school") & ~Q(email="") & Q(email=Lower("email")))
                | (Q(source="student") & Q(student__isnull=False) & Q(email="")),
                name="placement_source_keys",
            ),
            # What makes re-importing a file idempotent: a school block is its student's
            # address and first day.
            models.UniqueConstraint(
                fields=["school", "email", "starts_on"],
                condition=Q(source="school"),
                name="one_school_block_per_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rotation} {self.starts_on}–{self.ends_on}"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def from_school(self) -> bool:
        return self.source == PlacementSource.SCHOOL

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.starts_on <= ends_on and starts_on <= self.ends_on


class StaffRole(models.TextChoices):
    EDUCATOR = "educator", "Educator"
    WELLNESS_LEAD = "wellness_lead", "Wellness lead"
    DEAN = "dean", "Dean"
    SCHOOL_ADMIN = "school_admin", "School administrator"


class StaffMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="one_role_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.school}"


def new_invite_code() -> str:
    # 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L): easy to read aloud.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class InviteCode(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invite_codes")
    code = models.CharField(max_length=32, unique=True, default=new_invite_code)
    expires_at = models.DateTimeField()
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code

    def problem(self, now=None) -> str | None:
        """Why this code cannot be used now, in words for the person typing it; else None."""
        now = now or timezone.now()
        if self.revoked_at is not None or self.cohort.is_archived:
            return "This invite code is no longer in use. Ask your school for a current one."
        if self.expires_at <= now:
            return "This invite code has expired. Ask your school for a current one."
        if self.max_uses is not None and self.uses >= self.max_uses:
            return "This invite code has been used up. Ask your school for a new one."
        return None

    def clean(self) -> None:
        if self.max_uses == 0:
            raise ValidationError({"max_uses": "Leave empty for unlimited, or use at least 1."})


class StaffInvitation(models.Model):
    """An invitation, sent by email, to take a staff role at a school.

    The link in the email carries a signed reference to this row (see
    schools/administration.py), not a stored secret: it works once, until `expires_at`, and not
    after the school revokes it.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff_invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="staff_invitation_email_lower"
            )
        ]

    def __str__(self) -> str:
        return f"invitation to be {self.get_role_display()} at {self.school}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    def problem(self, now=None) -> str | None:
        """Why this invitation cannot be accepted now, in words for the invitee; else None."""
        now = now or timezone.now()
        if self.accepted_at is not None:
            return "This invitation has already been accepted. Sign in instead."
        if self.revoked_at is not None:
            return "This invitation has been withdrawn. Ask your school's administrator."
        if self.expires_at <= now:
            return "This invitation has expired. Ask your school's administrator for a new one."
        return None
