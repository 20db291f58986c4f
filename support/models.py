import re

from django.core.exceptions import ValidationError
from django.db import models

from schools.models import School

PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ().\-]+(?:\s*(?:x|ext\.?)\s*[0-9]+)?$", re.IGNORECASE)
EXTENSION = re.compile(r"\s*(?:x|ext\.?)\s*[0-9]+$", re.IGNORECASE)


def dialable(value: str) -> str:
    """The number a phone can dial: digits and a leading +, without any extension."""
    return re.sub(r"[^\d+]", "", EXTENSION.sub("", value.strip()))


def validate_phone(value: str) -> None:
    """Accept what people write on posters (`(555) 010-2000 ext. 4`, `988`); refuse the rest."""
    digits = dialable(value).lstrip("+")
    if not PHONE_CHARACTERS.match(value.strip()) or not 3 <= len(digits) <= 15:
        raise ValidationError(
            "Enter a phone number using digits, spaces, dashes or brackets, "
            "e.g. (555) 010-2000 or 988.",
            code="phone",
        )


class Category(models.TextChoices):
    # The order here is the order of the directory, most-asked-for first.
    COUNSELLING = "counselling", "Counselling"
    THERAPY = "therapy", "Therapy and psychiatry"
    STUDENT_HEALTH = "student_health", "Student health"
    ACADEMIC_SUPPORT = "academic_support", "Academic support"
    PEER_SUPPORT = "peer_support", "Peer support"
    CHAPLAINCY = "chaplaincy", "Chaplaincy and spiritual care"
    URGENT = "urgent", "Urgent and after-hours"


class GradingInvolvement(models.TextChoices):
    NEVER = "never", "Never: clinicians here never take part in grading or evaluating students"
    SEPARATED = "separated", "Separated: they may teach, but never grade or evaluate you"
    UNKNOWN = "unknown", "Not confirmed yet"


# What a student reads next to each entry: the fear of being graded by one's own counsellor
# keeps students away, so the answer is spelled out rather than left as a code.
GRADING_IN_PLAIN_WORDS = {
    GradingInvolvement.NEVER: "The people here never take part in grading or evaluating you.",
    GradingInvolvement.SEPARATED: (
        "Anyone here who also teaches is kept out of grading or evaluating you."
    ),
    GradingInvolvement.UNKNOWN: (
        "Your school has not yet confirmed whether anyone here takes part in grading. "
        "You can ask before you book."
    ),
}


class HelpResource(models.Model):
    """One place a student can turn to: a service of their school or one it refers to."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="help_resources")
    category = models.CharField(max_length=20, choices=Category.choices)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    hours = models.CharField(max_length=200, blank=True, help_text="e.g. Mon–Fri 8am–5pm")
    how_to_book = models.CharField(max_length=300, blank=True)
    cost = models.CharField(max_length=120, blank=True, help_text="e.g. Free, 6 sessions a year")
    phone = models.CharField(max_length=40, blank=True, validators=[validate_phone])
    text_number = models.CharField(
        max_length=40, blank=True, validators=[validate_phone], help_text="Only if it takes texts."
    )
    url = models.URLField(blank=True, verbose_name="Web page")
    email = models.EmailField(blank=True)
    location = models.CharField(max_length=200, blank=True)
    confidentiality_note = models.TextField(
        blank=True, help_text="Who is told what, and when (e.g. only if someone is at risk)."
    )
    involved_in_grading = models.CharField(
        max_length=10,
        choices=GradingInvolvement.choices,
        default=GradingInvolvement.UNKNOWN,
        verbose_name="Do its clinicians take part in grading students?",
    )
    is_urgent_contact = models.BooleanField(
        default=False,
        verbose_name="Show on the crisis screen",
        help_text="Your school's own urgent contact, listed next to the national crisis lines.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        indexes = [models.Index(fields=["school", "category", "position"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not any([self.phone, self.url, self.email, self.location]):
            raise ValidationError(
                "Add at least one way to reach this service: a phone number, web page, "
                "email or location.",
                code="unreachable",
            )

    @property
    def grading_in_plain_words(self) -> str:
        return GRADING_IN_PLAIN_WORDS[GradingInvolvement(self.involved_in_grading)]

    @property
    def tel_href(self) -> str:
        return f"tel:{dialable(self.phone)}"

    @property
    def sms_href(self) -> str:
        return f"sms:{dialable(self.text_number)}"
