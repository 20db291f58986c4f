"""Anonymous rollups: the only data staff pages ever read.

A `RollupCell` sums every observation of one measure for one group (school x cohort x
rotation, or the whole cohort, or the students with no rotation on record) in one ISO week.
`CellMember` exists only so `n_students` counts *distinct* students incrementally: it holds a
keyed hash of the student id, never a foreign key, and is never shown to anyone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from schools.models import Cohort, Rotation, School


class Scope(models.TextChoices):
    COHORT = "cohort", "Whole cohort"
    ROTATION = "rotation", "One rotation"
    UNPLACED = "unplaced", "No rotation on record"


class RollupCell(models.Model):
    """One group x ISO week x measure: n, sum, sum of squares and students per band.

    Every observation lands in two cells: its cohort's (scope COHORT) and either its rotation's
    or the "no rotation on record" cell. The rotation and unplaced cells of a week partition its
    observations, so their sums add up to the cohort cell's; a student who changed rotation
    mid-week counts in two of them, which is why the cohort cell keeps its own distinct count.

    `band_counts` maps a band label to the number of distinct students with at least one
    observation in that band this week (screenings: the instrument's bands; self-care: "yes"
    and "no"). A student whose band changed within the week counts in both.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    rotation = models.ForeignKey(
        Rotation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    week = models.DateField(help_text="The Monday of the ISO week.")
    measure = models.CharField(max_length=60)
    n_students = models.PositiveIntegerField(default=0)
    n_obs = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0)
    total_sq = models.FloatField(default=0)
    band_counts = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "cohort", "rotation", "week", "measure"],
                condition=Q(rotation__isnull=False),
                name="one_rollup_per_rotation_week",
            ),
            # NULLs are distinct in a plain unique index: the groups without a rotation need
            # their own partial index so two racing writers cannot create twin cells.
            models.UniqueConstraint(
                fields=["school", "cohort", "scope", "week", "measure"],
                condition=Q(rotation__isnull=True),
                name="one_rollup_per_group_week",
            ),
            models.CheckConstraint(
                condition=Q(scope="rotation", rotation__isnull=False)
                | (~Q(scope="rotation") & Q(rotation__isnull=True)),
                name="rollup_rotation_matches_scope",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "measure", "week"], name="rollup_dashboard")]

    def __str__(self) -> str:
        return f"{self.measure} {self.week} ({self.scope})"


class CellMember(models.Model):
    """A student's presence in a cell, under a keyed hash (see `services.member_key`).

    Keeps the student's own count, sums and bands in the cell so that removing one
    observation, or purging the student, reverses exactly what they added.
    """

    cell = models.ForeignKey(RollupCell, on_delete=models.CASCADE, related_name="members")
    member = models.CharField(max_length=64)
    observations = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0)
    total_sq = models.FloatField(default=0)
    bands = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell", "member"], name="one_member_per_cell")
        ]
        indexes = [models.Index(fields=["member"], name="rollup_member")]

    def __str__(self) -> str:
        return "cell member"


class Campaign(models.Model):
    """Staff invite a cohort (or the cohort's students on one rotation) to one screening
    within a date window. Students see it in their app and get an invitation and a reminder;
    staff see how many responded and, once the window has closed, suppressed results."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    rotation = models.ForeignKey(
        Rotation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instrument = models.CharField(max_length=40)
    opens_on = models.DateField()
    closes_on = models.DateField()
    message = models.TextField(max_length=1000)
    remind_days_before = models.PositiveSmallIntegerField(
        default=3, help_text="Days before the window closes to remind who has not answered."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        indexes = [
            models.Index(fields=["cohort", "instrument", "opens_on"], name="campaign_window")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_closes_after_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.opens_on}–{self.closes_on}"

    def is_open(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on

    def is_closed(self, day) -> bool:
        return day > self.closes_on


class CampaignResponse(models.Model):
    """A student's latest score in a campaign, under the same keyed hash as `CellMember`.

    The hash pairs a student's "before" and "after" answers inside the system; no page, API
    or export ever shows it, and it cannot be turned back into a student without SECRET_KEY.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    member = models.CharField(max_length=64)
    score = models.FloatField()
    band = models.CharField(max_length=60, blank=True)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="one_response_per_member")
        ]
        indexes = [models.Index(fields=["member"], name="campaign_member")]

    def __str__(self) -> str:
        return "campaign response"
