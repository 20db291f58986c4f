"""Anonymous rollups: the only data staff pages ever read.

A `RollupCell` sums every observation of one group (school x cohort x rotation, or the whole
cohort, or the students with no rotation on record) in one ISO week, for every measure of one
source: a check-in's fourteen measures share one row, and each screening instrument has its
own. `CellMember` exists only so the counts of *distinct* students stay exact incrementally: it
holds a keyed hash of the student id, never a foreign key, and is never shown to anyone.
"""

from collections.abc import Iterator
from datetime import time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

import instruments
from schools.models import Cohort, Rotation, School

from .figures import Figures


class Scope(models.TextChoices):
    COHORT = "cohort", "Whole cohort"
    ROTATION = "rotation", "One rotation"
    UNPLACED = "unplaced", "No rotation on record"


class RollupCell(models.Model):
    """One group x ISO week x source: for each of the source's measures, its distinct
    students, observations, sum, sum of squares and students per band.

    `figures` maps a measure key to `[n_students, n_obs, total, total_sq, {band: students}]`
    (see `cohorts.figures.Figures`); a measure with no observation is absent, and a cell with
    none is deleted.
    One row per source rather than per measure: a first check-in of the week then adds one
    member to two rows (its cohort's and its rotation's) instead of to twenty-eight.

    Every observation lands in two cells: its cohort's (scope COHORT) and either its rotation's
    or the "no rotation on record" cell. The rotation and unplaced cells of a week partition its
    observations, so their sums add up to the cohort cell's; a student who changed rotation
    mid-week counts in two of them, which is why the cohort cell keeps its own distinct count.

    A band count is the number of distinct students with at least one observation in that band
    this week (screenings: the instrument's bands; self-care: "yes" and "no"). A student whose
    band changed within the week counts in both.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    # Indexed by `rollup_dashboard` (cohort, source, week), whose first column it is.
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+", db_index=False)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    rotation = models.ForeignKey(
        Rotation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    week = models.DateField(help_text="The Monday of the ISO week.")
    source = models.CharField(
        max_length=60, help_text='"checkin", or "screen:<instrument>" for a screening.'
    )
    figures = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "cohort", "rotation", "week", "source"],
                condition=Q(rotation__isnull=False),
                name="one_rollup_per_rotation_week",
            ),
            # NULLs are distinct in a plain unique index: the groups without a rotation need
            # their own partial index so two racing writers cannot create twin cells.
            models.UniqueConstraint(
                fields=["school", "cohort", "scope", "week", "source"],
                condition=Q(rotation__isnull=True),
                name="one_rollup_per_group_week",
            ),
            models.CheckConstraint(
                condition=Q(scope="rotation", rotation__isnull=False)
                | (~Q(scope="rotation") & Q(rotation__isnull=True)),
                name="rollup_rotation_matches_scope",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "source", "week"], name="rollup_dashboard")]

    def __str__(self) -> str:
        return f"{self.source} {self.week} ({self.scope})"

    def measures(self) -> Iterator[tuple[str, Figures]]:
        """Each measure counted in this cell, with its figures."""
        for key, stored in self.figures.items():
            yield key, Figures(*stored)


class CellMember(models.Model):
    """A student's presence in a cell, under a keyed hash (see `services.member_key`).

    `figures` maps each measure the student was counted in to `[observations, total,
    total_sq, {band: observations}]`: the student's own share of the cell, so that removing
    one observation, or purging the student, reverses exactly what they added.
    """

    # Indexed by the one-member-per-cell constraint's (cell, member) index: an index of its
    # own would be one more write per check-in.
    cell = models.ForeignKey(
        RollupCell, on_delete=models.CASCADE, related_name="members", db_index=False
    )
    member = models.CharField(max_length=64)
    figures = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell", "member"], name="one_member_per_cell")
        ]
        indexes = [models.Index(fields=["member"], name="rollup_member")]

    def __str__(self) -> str:
        return "cell member"


class Recurrence(models.TextChoices):
    NONE = "", "Once"
    WEEKS = "weeks", "Every few weeks (each term)"
    ROTATION_BLOCK = "rotation_block", "At each rotation block start"


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
    # Reminders to who has not answered, as days after the window opens (so a recurrence
    # copies them), each sent at `reminder_time`, school time: at most three, inside the
    # window, between 08:00 and 20:00 (`campaigns.create_campaign` checks).
    reminder_days = models.JSONField(default=list, blank=True)
    reminder_time = models.TimeField(default=time(8, 0))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Recurrence: the next occurrence (same screening, cohort, rotation, message, window
    # length and reminders) is created once this one has opened (`campaigns.repeat_due`).
    recurrence = models.CharField(max_length=16, choices=Recurrence.choices, blank=True)
    every_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_occurrence"
    )
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True)  # the reminder_days sent

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

    @property
    def instrument_name(self) -> str:
        """The screening's short name as people read it ("MLQ presence", not its id)."""
        try:
            return instruments.get_instrument(self.instrument).short_name
        except KeyError:
            return self.instrument

    @property
    def reminder_dates(self) -> list:
        return [self.opens_on + timedelta(days=offset) for offset in sorted(self.reminder_days)]


class CampaignTestSend(models.Model):
    """A staff member sent a campaign's invitation to their own address: kept to limit how
    many an hour (`campaigns.TEST_SENDS_PER_HOUR`), without the address or who sent it (the
    audit trail has who, without content)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="test_sends")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["campaign", "sent_at"], name="campaign_test_send")]

    def __str__(self) -> str:
        return "campaign test send"


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


class Release(models.Model):
    """A set of figures published once, when its period closed, and never recomputed.

    Every figure staff can see belongs to a release: the week's dashboard tables (published on
    the Wednesday after the week, see `publishing.publication_day`), a campaign's results (with
    the week its window ends in) and a study report (the first time it is opened). A row is
    written once, in the transaction that stores its tables; nothing updates it afterwards.
    """

    class Kind(models.TextChoices):
        WEEK = "week", "Week"
        CAMPAIGN = "campaign", "Campaign"
        REPORT = "report", "Study report"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=40, help_text="The week's Monday, or the campaign(s).")
    starts_on = models.DateField()
    ends_on = models.DateField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "key"], name="one_release_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class PublishedTable(models.Model):
    """One published table of a release for one cohort: its cells, already suppressed.

    `cells` maps a group ("cohort", a rotation's slug, "unplaced", a band's label, or a named
    figure of a campaign or report) to either `{"n": .., "est": [value, low, high, n], "num":
    .., "comp": ..}` or `{"why": reason}`: a hidden cell keeps only its reason.
    """

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="tables")
    # None for a table of the whole school (lessons: one table, a column per cohort).
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    table = models.CharField(max_length=80)
    week = models.DateField(null=True, blank=True)
    cells = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["cohort", "table", "week"], name="published_lookup")]

    def __str__(self) -> str:
        return f"{self.table} {self.week or ''}"


class Population(models.Model):
    """Who is behind one published figure, as pseudonymous tags, for the differencing guard.

    A tag is eight bytes of the student's keyed hash and eight of a hash of the answers the
    figure used (see `guard.tag`), hex-encoded and sorted in `tags`. Never shown to anyone;
    deleting an account replaces its tags with random ones (`guard.forget_member`)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="populations")
    source = models.CharField(max_length=60, help_text="The measure the figure describes.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    label = models.CharField(max_length=120)
    tags = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["school", "source", "starts_on"], name="population_scan")]

    def __str__(self) -> str:
        return self.label


class StoredAnswer(models.Model):
    """A staff API answer built from published releases, kept as sent (cohorts/answers.py).

    Its key names everything the answer depends on (cohort, table, measure, weeks, the
    school's date, its last publishable week and K), so a stored answer is never wrong for
    its key; rows of past days are deleted as new weeks are published."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, unique=True)
    made_on = models.DateField(help_text="The school's date the answer is for.")
    body = models.TextField()

    def __str__(self) -> str:
        return self.key


class SchoolAction(models.Model):
    """Something the school did for some of its students, from a date ("protected half-day
    for clerkship students from 5 January"), recorded by staff so the dashboard can mark it
    and a before/after report can compare the published weeks around it.

    Students see it ("You said, we did") only once staff publish it, with the published
    figures staff attached to say what prompted it (`ActionFigure`)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=1000, blank=True)
    starts_on = models.DateField()
    cohorts = models.ManyToManyField(Cohort, related_name="+")
    # Empty: the whole of each cohort.
    rotations = models.ManyToManyField(Rotation, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["school", "starts_on"], name="action_by_school")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ActionFigure(models.Model):
    """A published figure attached to an action: a reference to one visible cell of a
    published week table, never a copy of a number. Releases never change, so the cell
    always reads as it did when attached (`cohorts.actions.attach_figure` checks it is
    visible)."""

    action = models.ForeignKey(SchoolAction, on_delete=models.CASCADE, related_name="figures")
    table = models.ForeignKey(PublishedTable, on_delete=models.CASCADE, related_name="+")
    cell = models.CharField(max_length=80, help_text='"cohort" or a rotation\'s slug.')

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "table", "cell"], name="one_figure_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.cell}"
