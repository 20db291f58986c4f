"""Anonymous rollups: the only data staff pages ever read.

A `RollupCell` sums every observation of one measure for one group (school x cohort x
rotation, or the whole cohort, or the students with no rotation on record) in one ISO week.
`CellMember` exists only so `n_students` counts *distinct* students incrementally: it holds a
keyed hash of the student id, never a foreign key, and is never shown to anyone.
"""

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
