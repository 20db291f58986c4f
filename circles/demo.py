"""Peer circles for the demo school (Northbrook): a few circles of demo students, the demo
login among them, with some messages."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from vault.services import encrypt_text

from .models import (
    Availability,
    CircleMembership,
    CircleMessage,
    CircleProfile,
    Interest,
    ReportReason,
)
from .services import match_waiting_students, report_circle_message

DEMO_PSEUDONYMS = [
    "Quiet Heron", "Night Owl", "Blue Kettle", "Marigold", "Sea Otter", "Pine Marten",
    "Lantern", "Wren", "Copper Fox", "Mossy Stone", "Red Kite", "Harbour Seal", "Tidepool",
    "Sparrowhawk", "Juniper", "Paper Crane", "Slow Tortoise", "Morning Lark", "Cloudberry",
    "Little Bear", "Ember", "Kestrel", "Saltmarsh", "Driftwood", "Bramble", "Nightjar",
    "Snowdrop", "Orca", "Thistle", "Starling", "Fieldfare", "Larch",
]  # fmt: skip
DEMO_MESSAGES = [
    "Hi all! Third week of surgery and I finally found the good coffee: level 2, by radiology.",
    "This week's prompt: a patient's daughter brought the whole team cookies. Made my week.",
    "Anyone else finding the 5am starts brutal? I've started packing lunch the night before.",
    "I went for a run on Sunday for the first time in a month. Slow, but it counted.",
    "Would anyone be up for a video call on Thursday evening? Half an hour, no agenda.",
    "Shelf exam in two weeks. Happy to share my question-bank schedule if it helps anyone.",
    "Small win: presented on rounds without notes and the attending said well done.",
    "Cooking a big pot of chili tonight so I don't live on vending machine crackers again.",
]
CIRCLE_JOINERS = 30


def generate_demo_circles(demo) -> None:
    """A few circles of demo students, the demo login among them, with some messages."""
    rng = demo.rng
    joiners = demo.students[: min(CIRCLE_JOINERS, len(demo.students))]
    if len(joiners) < 4:
        return
    now = timezone.now()
    pseudonyms = rng.sample(DEMO_PSEUDONYMS, k=len(joiners))
    with transaction.atomic():
        CircleProfile.objects.bulk_create(
            [
                CircleProfile(
                    student_id=s.user_id,
                    school=demo.school,
                    pseudonym=name,
                    pseudonym_key=name.casefold(),
                    share_cohort=rng.random() < 0.7,
                    share_rotation=rng.random() < 0.4,
                    interests=sorted(rng.sample(Interest.values, k=rng.randint(1, 4))),
                    time_zone=demo.school.timezone,
                    availability=sorted(rng.sample(Availability.values, k=rng.randint(1, 3))),
                    wants_buddy=rng.random() < 0.15,
                    guidelines_accepted_at=now - timedelta(days=21),
                )
                for s, name in zip(joiners, pseudonyms, strict=True)
            ]
        )
        match_waiting_students(school=demo.school)
        users = {u.pk: u for u in User.objects.filter(pk__in=[s.user_id for s in joiners])}
        rows = []
        memberships = CircleMembership.objects.select_related("circle", "profile").filter(
            circle__school=demo.school
        )
        for membership in memberships.order_by("pk"):
            for _ in range(rng.randint(0, 2)):
                author = users[membership.profile.student_id]
                rows.append(
                    CircleMessage(
                        circle=membership.circle,
                        author=author,
                        author_pseudonym=membership.profile.pseudonym,
                        body_encrypted=encrypt_text(author, rng.choice(DEMO_MESSAGES)),
                        created_at=now
                        - timedelta(days=rng.randint(0, 14), minutes=rng.randint(0, 600)),
                    )
                )
        CircleMessage.objects.bulk_create(rows)
        _report_one_demo_message(rows)


def _report_one_demo_message(messages: list[CircleMessage]) -> None:
    """One open report, so the wellness lead's review page has something to show."""
    for message in messages:
        reporter = (
            CircleMembership.objects.filter(circle=message.circle)
            .exclude(profile__student_id=message.author_id)
            .select_related("profile__student")
            .first()
        )
        if reporter is not None:
            report_circle_message(
                student=reporter.profile.student,
                message_id=message.pk,
                reason=ReportReason.OTHER,
            )
            return
