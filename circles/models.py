"""Pseudonymous peer circles: profiles, circles and their boards, reports, blocks, and the
weekly counts the school sees. (These tables were created by the `support` app and keep its
names, so moving the models here moved no data.)"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from schools.models import School

MAX_MESSAGE_CHARS = 2000


class Interest(models.TextChoices):
    RUNNING = "running", "Running"
    COOKING = "cooking", "Cooking"
    FAITH = "faith", "Faith"
    PARENTING = "parenting", "Parenting"
    FIRST_GENERATION = "first_generation", "First-generation students"
    MUSIC = "music", "Music"
    OUTDOORS = "outdoors", "The outdoors"
    GAMING = "gaming", "Gaming"
    READING = "reading", "Reading"
    LGBTQ = "lgbtq", "LGBTQ+"
    INTERNATIONAL = "international", "International students"
    ART = "art", "Art and making things"
    PETS = "pets", "Pets"


class Availability(models.TextChoices):
    WEEKDAY_MORNINGS = "weekday_mornings", "Weekday mornings"
    WEEKDAY_LUNCH = "weekday_lunch", "Weekday lunchtimes"
    WEEKDAY_EVENINGS = "weekday_evenings", "Weekday evenings"
    WEEKEND_MORNINGS = "weekend_mornings", "Weekend mornings"
    WEEKEND_AFTERNOONS = "weekend_afternoons", "Weekend afternoons"
    WEEKEND_EVENINGS = "weekend_evenings", "Weekend evenings"


class CircleProfile(models.Model):
    """A student's opt-in to peer circles: a pseudonym and what they chose to share."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_profile"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pseudonym = models.CharField(max_length=30)
    # The case-folded pseudonym, so "Willow" and "willow" cannot both exist at one school.
    pseudonym_key = models.CharField(max_length=30, editable=False)
    share_cohort = models.BooleanField(default=True)
    share_rotation = models.BooleanField(default=False)
    interests = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    availability = models.JSONField(default=list, blank=True)
    wants_buddy = models.BooleanField(default=False)
    # False after leaving a circle, until the student asks to be matched again.
    looking = models.BooleanField(default=True)
    guidelines_accepted_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "support_circleprofile"  # created by the support app; kept so no data moves
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pseudonym_key"], name="one_pseudonym_per_school"
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym


class Circle(models.Model):
    class Kind(models.TextChoices):
        CIRCLE = "circle", "Circle"
        BUDDY = "buddy", "Buddy pair"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CIRCLE)
    name = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "support_circle"  # created by the support app; kept so no data moves
        indexes = [models.Index(fields=["school", "kind"])]

    def __str__(self) -> str:
        return self.name


class CircleMembership(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    profile = models.ForeignKey(CircleProfile, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "support_circlemembership"  # created by the support app; kept so no data moves
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "profile"], name="one_membership_per_circle")
        ]

    def __str__(self) -> str:
        return f"{self.profile} in {self.circle}"


class CircleMessage(models.Model):
    """A post on a circle's board, encrypted under its author's data key.

    `author` becomes NULL when the author deletes their account (their key is destroyed with
    it); the message then reads "message removed".
    """

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="circle_messages",
    )
    author_pseudonym = models.CharField(max_length=30)
    body_encrypted = models.BinaryField(editable=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    # Set when the author opted out of circles: the text is wiped, unless an open report still
    # needs it for the wellness lead's review (it is wiped when the last report is resolved).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "support_circlemessage"  # created by the support app; kept so no data moves
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["circle", "-created_at"]),
            models.Index(fields=["author", "circle", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in circle {self.circle_id}"

    @property
    def is_removed(self) -> bool:
        return (
            self.author_id is None or self.removed_at is not None or self.withdrawn_at is not None
        )


class ReportReason(models.TextChoices):
    HARASSMENT = "harassment", "Harassment or bullying"
    HATEFUL = "hateful", "Hateful or discriminatory"
    PERSONAL_INFO = "personal_info", "Shares someone's personal information"
    WORRIED = "worried", "I'm worried about the person who wrote it"
    SPAM = "spam", "Spam or advertising"
    OTHER = "other", "Something else that breaks the guidelines"


class MessageReport(models.Model):
    """A student's report of a message, for the school's wellness lead to review."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        REMOVED = "removed", "Message removed"

    message = models.ForeignKey(CircleMessage, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_reports"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "support_messagereport"  # created by the support app; kept so no data moves
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["school", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="one_report_per_reporter")
        ]

    def __str__(self) -> str:
        return f"report {self.pk}"


class CircleBlock(models.Model):
    """`blocker` no longer sees `blocked`'s messages; the two are never matched again."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    # The name the blocker saw when blocking: the export shows this, never a later rename.
    blocked_pseudonym = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "support_circleblock"  # created by the support app; kept so no data moves
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair")
        ]

    def __str__(self) -> str:
        return f"block {self.pk}"


class CircleCountSnapshot(models.Model):
    """A cohort's circle counts as they stood when a week began (no student in it).

    Staff see counts as of the end of the last complete week, never live ones (a +1 between two
    refreshes would name who just joined). The first change of a week records the counts as
    they were before it; a week with no change has none, and the live counts are still the
    week-start ones.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey("schools.Cohort", on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday (school time) the counts stood at.")
    opted_in = models.PositiveIntegerField()
    in_circle = models.PositiveIntegerField()

    class Meta:
        db_table = "support_circlecountsnapshot"  # the support app made it: no data moves
        constraints = [
            models.UniqueConstraint(fields=["cohort", "week"], name="one_circle_count_per_week")
        ]

    def __str__(self) -> str:
        return f"circle counts of cohort {self.cohort_id} at {self.week}"
