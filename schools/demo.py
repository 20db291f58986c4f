"""A realistic, reproducible demo school, generated with bulk inserts.

Everything comes from one seeded RNG and a reference date, so the same `seed` and `today` give
the same school. The curriculum mirrors a common US four-year MD: two pre-clinical years, a
dedicated board-exam study period, then a third year of six-week core clerkships taken by
students in staggered tracks, so on any day every clerkship has students on it.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import ConsentRecord, User
from accounts.services import PRIVACY_NOTICE_VERSION

from .models import (
    Cohort,
    Enrollment,
    InviteCode,
    Placement,
    PlacementSource,
    RosterEntry,
    Rotation,
    School,
    StaffRole,
    VerifiedBy,
)
from .services import add_staff_member

DEMO_SLUG = "northbrook"
DEMO_DOMAIN = "northbrook.example"
# The public demo login, printed by `make run`.
DEMO_PASSWORD = "wellrounded-demo"  # nosec B105
CORE_ORDER = [
    "internal-medicine",
    "surgery",
    "paediatrics",
    "obstetrics-gynaecology",
    "psychiatry",
    "family-medicine",
    "neurology",
]
CLERKSHIP_WEEKS = 6
SITES = ["Northbrook University Hospital", "St Brigid's Community Hospital", "Lakeside VA"]
FIRST_NAMES = [
    "Ava", "Noah", "Maya", "Liam", "Zara", "Ethan", "Priya", "Mateo", "Chloe", "Kwame",
    "Sofia", "Daniel", "Aisha", "Lucas", "Mei", "Omar", "Grace", "Diego", "Hana", "Samuel",
]  # fmt: skip


@dataclass
class DemoStudent:
    user_id: int
    cohort_year: int
    track: int
    placements: list[tuple[str, date, date]] = field(default_factory=list)


@dataclass
class DemoSchool:
    school: School
    cohorts: list[Cohort]
    students: list[DemoStudent]
    logins: list[tuple[str, str, str]]  # (role, email, password)
    invite_codes: list[tuple[str, str]]  # (cohort, code)
    today: date
    days: int
    rng: random.Random


def academic_year_start(today: date) -> date:
    """The first Monday of July that starts the academic year containing `today`."""
    year = today.year if today.month >= 7 else today.year - 1
    first = date(year, 7, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def curriculum(cohort_year: int, track: int, ay_start: date) -> Iterator[tuple[str, date, date]]:
    """Rotation blocks (slug, from, to) for a student of the class of `cohort_year`.

    Covers the year before and the year of `ay_start` for third-years (pre-clinical, board
    study, clerkships) and second-years (pre-clinical, board study in late spring).
    """
    third_year_start = date(cohort_year - 2, 7, 1)
    third_year_start += timedelta(days=(7 - third_year_start.weekday()) % 7)
    board_start = third_year_start - timedelta(weeks=7)
    yield ("preclinical", third_year_start - timedelta(weeks=100), board_start - timedelta(days=1))
    yield ("board-study", board_start, third_year_start - timedelta(days=1))
    block_start = third_year_start
    for i in range(len(CORE_ORDER)):
        slug = CORE_ORDER[(track + i) % len(CORE_ORDER)]
        block_end = block_start + timedelta(weeks=CLERKSHIP_WEEKS, days=-1)
        yield (slug, block_start, block_end)
        block_start = block_end + timedelta(days=1)
    yield ("elective", block_start, block_start + timedelta(weeks=8, days=-1))


def chunked(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def create_demo_school(
    *,
    students: int,
    days: int,
    seed: int,
    today: date,
    progress: Callable[[int], None] = lambda n: None,
    batch_size: int = 2000,
) -> DemoSchool:
    # Reproducible demo data, not a secret.
    rng = random.Random(seed)  # nosec B311
    school = School.objects.create(
        name="Northbrook School of Medicine", slug=DEMO_SLUG, timezone="America/Chicago"
    )
    ay_start = academic_year_start(today)
    third_year_class = ay_start.year + 2
    cohorts = [
        Cohort.objects.create(school=school, graduation_year=third_year_class),
        Cohort.objects.create(school=school, graduation_year=third_year_class + 1),
    ]
    invite_codes = []
    for cohort in cohorts:
        invite = InviteCode.objects.create(
            cohort=cohort,
            code=f"NB{cohort.graduation_year}DEMO",
            expires_at=timezone.now() + timedelta(days=365),
        )
        invite_codes.append((str(cohort), invite.code))

    logins = []
    for role, local in [
        (StaffRole.EDUCATOR, "clerkship.director"),
        (StaffRole.WELLNESS_LEAD, "wellness.lead"),
        (StaffRole.DEAN, "dean"),
        (StaffRole.SCHOOL_ADMIN, "registrar"),
    ]:
        email = f"{local}@{DEMO_DOMAIN}"
        add_staff_member(school=school, email=email, role=role, password=DEMO_PASSWORD)
        logins.append((f"staff ({role.label})", email, DEMO_PASSWORD))
    operator_email = f"operator@{DEMO_DOMAIN}"
    if not User.objects.filter(email=operator_email).exists():
        User.objects.create_superuser(email=operator_email, password=DEMO_PASSWORD)
        EmailAddress.objects.create(
            user=User.objects.get(email=operator_email),
            email=operator_email,
            verified=True,
            primary=True,
        )
    logins.append(("operator (Django admin)", operator_email, DEMO_PASSWORD))

    rotations = {r.slug: r for r in Rotation.objects.all()}
    password_hash = make_password(DEMO_PASSWORD)
    window_start = today - timedelta(days=days)
    window_end = ay_start + timedelta(weeks=52)
    joined = timezone.make_aware(datetime.combine(window_start, time(9)))
    demo_students: list[DemoStudent] = []
    indexes = list(range(students))
    for batch in chunked(indexes, batch_size):
        users = [
            User(
                email=f"student{i + 1:06d}@{DEMO_DOMAIN}" if i else f"student@{DEMO_DOMAIN}",
                display_name=rng.choice(FIRST_NAMES),
                password=password_hash,
                date_joined=joined,
            )
            for i in batch
        ]
        users = User.objects.bulk_create(users, batch_size=batch_size)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=batch_size,
        )
        ConsentRecord.objects.bulk_create(
            [ConsentRecord(user=u, notice_version=PRIVACY_NOTICE_VERSION) for u in users],
            batch_size=batch_size,
        )
        enrollments, placements, roster = [], [], []
        for i, user in zip(batch, users, strict=True):
            # The first student (the demo login) and ~55% of the rest are third-years.
            cohort = cohorts[0] if i == 0 or rng.random() < 0.55 else cohorts[1]
            student = DemoStudent(user.pk, cohort.graduation_year, track=rng.randrange(7))
            # Every demo student is on the school's roster and has confirmed their email, so
            # they count (schools/roster.py): as if the registrar had uploaded the class lists.
            roster.append(RosterEntry(school=school, email=user.email, cohort=cohort))
            enrollments.append(
                Enrollment(
                    student=user,
                    school=school,
                    cohort=cohort,
                    joined_at=joined,
                    verified_at=joined,
                    verified_by=VerifiedBy.ROSTER,
                )
            )
            for slug, starts, ends in curriculum(cohort.graduation_year, student.track, ay_start):
                starts, ends = max(starts, window_start), min(ends, window_end)
                if starts > ends:
                    continue
                student.placements.append((slug, starts, ends))
                placements.append(
                    Placement(
                        student=user,
                        school=school,
                        # The registrar imported the schedule, as a real school would.
                        source=PlacementSource.SCHOOL,
                        email=user.email.lower(),
                        rotation=rotations[slug],
                        starts_on=starts,
                        ends_on=ends,
                        site="" if slug in {"preclinical", "board-study"} else rng.choice(SITES),
                    )
                )
            demo_students.append(student)
        RosterEntry.objects.bulk_create(roster, batch_size=batch_size)
        Enrollment.objects.bulk_create(enrollments, batch_size=batch_size)
        Placement.objects.bulk_create(placements, batch_size=batch_size)
        progress(len(batch))
    logins.insert(0, ("student (third year)", f"student@{DEMO_DOMAIN}", DEMO_PASSWORD))
    return DemoSchool(school, cohorts, demo_students, logins, invite_codes, today, days, rng)


def demo_logins() -> list[tuple[str, str, str]]:
    staff = [
        (f"staff ({m.get_role_display()})", m.user.email, DEMO_PASSWORD)
        for m in School.objects.get(slug=DEMO_SLUG).staff.select_related("user")
    ]
    return [
        ("student (third year)", f"student@{DEMO_DOMAIN}", DEMO_PASSWORD),
        *staff,
        ("operator (Django admin)", f"operator@{DEMO_DOMAIN}", DEMO_PASSWORD),
    ]
