"""A realistic, reproducible demo school, generated with bulk inserts.

Everything comes from one seeded RNG and a reference date, so the same `seed` and `today` give
the same school. The curriculum mirrors a common US four-year MD: four classes of about 150
students each on the school's roster; two pre-clinical years (the second ending in a dedicated
board-exam study period), a third year of core clerkships of six to eight weeks taken in seven
staggered tracks of about 21 students (so on any day every clerkship has a block of students on
it), and a fourth year of eight-week elective blocks. As at a real school, not everyone on the
roster uses the app: `students` of them have joined, most of them third-years.
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
# Core clerkships and their lengths in weeks (46 weeks of a 52-week third year).
CLERKSHIPS = {
    "internal-medicine": 8,
    "surgery": 8,
    "paediatrics": 6,
    "obstetrics-gynaecology": 6,
    "psychiatry": 6,
    "family-medicine": 6,
    "neurology": 6,
}
CORE_ORDER = list(CLERKSHIPS)
TRACKS = len(CORE_ORDER)
ELECTIVE_WEEKS = 8
# Students on the roster in each class year (the school's size, whoever uses the app).
CLASS_SIZE = 150
# Of the students who joined the app, the share in each class, third-years first (the demo's
# story is the clerkship year, and at a real school its students are the ones most asked).
CLASS_SHARES = [("third", 0.4), ("second", 0.2), ("fourth", 0.2), ("first", 0.2)]
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
    cohorts: list[Cohort]  # the third-years first, then second, fourth and first years
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


def first_monday_of_july(year: int) -> date:
    first = date(year, 7, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def curriculum(cohort_year: int, track: int, ay_start: date) -> Iterator[tuple[str, date, date]]:
    """Rotation blocks (slug, from, to) of a student of the class of `cohort_year`, back to back
    from the start of medical school to graduation: two pre-clinical years, seven weeks of
    board-exam study, a third year of core clerkships in the order of the student's track, and
    a fourth year of elective blocks."""
    third_year_start = first_monday_of_july(cohort_year - 2)
    board_start = third_year_start - timedelta(weeks=7)
    yield ("preclinical", first_monday_of_july(cohort_year - 4), board_start - timedelta(days=1))
    yield ("board-study", board_start, third_year_start - timedelta(days=1))
    block_start = third_year_start
    for i in range(TRACKS):
        slug = CORE_ORDER[(track + i) % TRACKS]
        block_end = block_start + timedelta(weeks=CLERKSHIPS[slug], days=-1)
        yield (slug, block_start, block_end)
        block_start = block_end + timedelta(days=1)
    graduation = first_monday_of_july(cohort_year) - timedelta(days=1)
    while block_start <= graduation:
        block_end = min(graduation, block_start + timedelta(weeks=ELECTIVE_WEEKS, days=-1))
        yield ("elective", block_start, block_end)
        block_start = block_end + timedelta(days=1)


def class_of(i: int, rng: random.Random, years: dict[str, int]) -> int:
    """The graduation year of the i-th student to join: the first (the demo login) is a
    third-year; the others fall in the classes by CLASS_SHARES."""
    if i == 0:
        return years["third"]
    draw, total = rng.random(), 0.0
    for name, share in CLASS_SHARES:
        total += share
        if draw < total:
            return years[name]
    return years["first"]


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
    years = {
        "third": third_year_class,
        "second": third_year_class + 1,
        "fourth": third_year_class - 1,
        "first": third_year_class + 2,
    }
    cohorts = [
        Cohort.objects.create(school=school, graduation_year=years[name])
        for name, _ in CLASS_SHARES
    ]
    cohort_of = {cohort.graduation_year: cohort for cohort in cohorts}
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
    joined_of = dict.fromkeys((cohort.pk for cohort in cohorts), 0)
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
            cohort = cohort_of[class_of(i, rng, years)]
            # Tracks are filled in turn, as a school spreads a class over its blocks.
            track = joined_of[cohort.pk] % TRACKS
            joined_of[cohort.pk] += 1
            student = DemoStudent(user.pk, cohort.graduation_year, track=track)
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
    add_classmates_not_using_the_app(school, cohorts, joined_of, batch_size)
    logins.insert(0, ("student (third year)", f"student@{DEMO_DOMAIN}", DEMO_PASSWORD))
    return DemoSchool(school, cohorts, demo_students, logins, invite_codes, today, days, rng)


def add_classmates_not_using_the_app(
    school: School, cohorts: list[Cohort], joined_of: dict[int, int], batch_size: int
) -> None:
    """Fill each class's roster up to CLASS_SIZE with students who have not joined: a real
    roster lists the whole class, whoever uses the app."""
    roster = [
        RosterEntry(
            school=school, email=f"{cohort.graduation_year}.{n:04d}@{DEMO_DOMAIN}", cohort=cohort
        )
        for cohort in cohorts
        for n in range(max(0, CLASS_SIZE - joined_of[cohort.pk]))
    ]
    RosterEntry.objects.bulk_create(roster, batch_size=batch_size)


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
