"""Peer circles: the writes (services) and reads (selectors) every front end shares.

Pages, the API, `manage.py match_circles` and the demo all call these, so a rule (a pseudonym
that looks like an email, a message to a circle one is not in, a second report) is enforced
once. Staff reach only two things here: suppressed counts, and reported messages for the
school's wellness lead, each view of which is audited.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from cohorts.selectors import k_for
from cohorts.suppression import Cell, Hidden, Row, suppress
from lib.dates import week_of
from schools.models import Enrollment, School, StaffMembership, StaffRole
from schools.selectors import placement_on, verified_enrollments
from support.crisis_keywords import looks_like_crisis
from vault.audit import record_event
from vault.services import decrypt_text, encrypt_text

from . import matching
from .content import TIME_ZONES, prompt_of_the_week
from .models import (
    MAX_MESSAGE_CHARS,
    Availability,
    Circle,
    CircleBlock,
    CircleCountSnapshot,
    CircleMembership,
    CircleMessage,
    CircleProfile,
    Interest,
    MessageReport,
    ReportReason,
)


class NotInYourCircles(Exception):  # noqa: N818 - a refusal, named for what it says
    """What was asked for is not in the student's circles (or not in the wellness lead's
    school), or does not exist: one answer for both, since whether it exists is nobody else's
    business. Pages and the API answer it with a 404."""


PSEUDONYM = re.compile(r"^[\w][\w .'-]{1,28}[\w.]$")
LOOKS_LIKE_EMAIL = re.compile(r"@|\b[\w-]+\.(com|org|net|edu|io|co|uk|example)\b", re.IGNORECASE)
RATE_LIMIT = 10
RATE_WINDOW = timedelta(minutes=10)
MESSAGES_SHOWN = 50
REMOVED = "message removed"
FORMER_MEMBER = "former member"
DOUBLE_POST_WINDOW = timedelta(seconds=10)
# A meet-up slot is suggested only when this many members share it, so the line never tells
# one member what a single other member shared.
MEET_UP_MIN_FREE = 3
CIRCLE_NAMES = (
    "Willow", "Cedar", "Maple", "Birch", "Rowan", "Alder", "Aspen", "Hazel", "Linden", "Juniper",
    "Elm", "Laurel", "Sequoia", "Magnolia", "Cypress", "Olive", "Poplar", "Spruce",
)  # fmt: skip


class CrisisCheck(ValidationError):
    """The message looks like a crisis: show the writer the crisis resources first."""


class MessageRefused(ValidationError):
    """A message that was not posted; `crisis` says whether to show the crisis resources too.

    Any refusal (too long, too many, empty) of a crisis-looking message still shows the
    resources: a student over the rate limit who writes "I want to kill myself" must not get
    only "take a breather".
    """

    def __init__(self, message, *, crisis: bool):
        super().__init__(message)
        self.crisis = crisis


# Reads ---------------------------------------------------------------------------------------


def circle_profile_of(student) -> CircleProfile | None:
    return CircleProfile.objects.filter(student=student).first()


@dataclass(frozen=True)
class Member:
    id: int
    pseudonym: str
    is_you: bool


@dataclass(frozen=True)
class MeetUp:
    slot: str
    free: int
    members: int

    @property
    def sentence(self) -> str:
        if not self.slot:
            return (
                "None of you has shared when you are free yet: suggest a 30-minute video "
                "call and find a time on the board."
            )
        return (
            f"{self.free} of {self.members} of you are free on "
            f"{Availability(self.slot).label.lower()}: how about a 30-minute video call or a "
            "coffee then?"
        )


@dataclass(frozen=True)
class CircleSummary:
    circle: Circle
    members: list[Member]
    prompt: str
    meet_up: MeetUp


@dataclass(frozen=True)
class ShownMessage:
    id: int
    pseudonym: str
    body: str
    removed: bool
    mine: bool
    created_at: datetime


def _summary(circle: Circle, memberships: list[CircleMembership], profile) -> CircleSummary:
    slot, free = matching.common_slot(
        [m.profile.availability for m in memberships], [a.value for a in Availability]
    )
    return CircleSummary(
        circle=circle,
        members=[
            Member(m.pk, m.profile.pseudonym, m.profile_id == profile.pk) for m in memberships
        ],
        prompt=prompt_of_the_week(circle.school.today()),  # the school's week, not UTC's
        meet_up=MeetUp(slot if free >= MEET_UP_MIN_FREE else "", free, len(memberships)),
    )


def circles_of(student) -> list[CircleSummary]:
    """The student's circles, each with its members by pseudonym only."""
    profile = circle_profile_of(student)
    if profile is None:
        return []
    circles = list(
        Circle.objects.filter(memberships__profile=profile)
        .select_related("school")
        .order_by("kind", "created_at", "pk")
    )
    memberships = CircleMembership.objects.select_related("profile").filter(circle__in=circles)
    by_circle: dict[int, list[CircleMembership]] = {}
    for membership in memberships:
        by_circle.setdefault(membership.circle_id, []).append(membership)
    return [_summary(c, by_circle.get(c.pk, []), profile) for c in circles]


def circle_of_member(student, circle_id: int) -> tuple[CircleSummary, CircleProfile]:
    """A circle the student is in, or NotInYourCircles."""
    profile = circle_profile_of(student)
    circle = (
        Circle.objects.filter(pk=circle_id, memberships__profile=profile)
        .select_related("school")
        .first()
        if profile
        else None
    )
    if circle is None:
        raise NotInYourCircles("You are not in this circle.")
    memberships = list(CircleMembership.objects.select_related("profile").filter(circle=circle))
    return _summary(circle, memberships, profile), profile


def blocked_by(student) -> set[int]:
    return set(CircleBlock.objects.filter(blocker=student).values_list("blocked_id", flat=True))


def messages_for(student, circle: Circle) -> list[ShownMessage]:
    """The latest messages, decrypted for a member; blocked authors' messages left out."""
    hidden = blocked_by(student)
    latest = list(
        CircleMessage.objects.select_related("author")
        .filter(circle=circle)
        .exclude(author_id__in=hidden)
        .order_by("-created_at", "-pk")[:MESSAGES_SHOWN]
    )
    return [
        ShownMessage(
            id=m.pk,
            pseudonym=FORMER_MEMBER
            if (m.author_id is None or m.withdrawn_at or not m.author_pseudonym)
            else m.author_pseudonym,
            body=REMOVED if m.is_removed else decrypt_text(m.author, m.body_encrypted),
            removed=m.is_removed,
            mine=m.author_id == student.pk,
            created_at=m.created_at,
        )
        for m in reversed(latest)
    ]


def waiting_message(profile: CircleProfile) -> str | None:
    """What a student waiting for a circle reads, or None when they are in one."""
    if not profile.looking or _in_full_circle(profile):
        return None
    waiting = len(_waiting_profiles(profile.school))
    more = matching.MIN_SIZE - waiting
    if more > 0:
        students = "student has" if more == 1 else "students have"
        return f"We'll match you when {more} more {students} opted in."
    return "We'll match you as soon as a circle that fits you can be formed."


def buddy_waiting(profile: CircleProfile) -> bool:
    return profile.wants_buddy and not _in_full_circle(profile, kind=Circle.Kind.BUDDY)


def wellness_school(user) -> School | None:
    """The school whose reports `user` reviews as its wellness lead, or None."""
    if not user.is_authenticated:
        return None
    membership = (
        StaffMembership.objects.select_related("school")
        .filter(user=user, role=StaffRole.WELLNESS_LEAD)
        .order_by("pk")
        .first()
    )
    return membership.school if membership else None


def open_reports(school: School) -> list[MessageReport]:
    return list(
        MessageReport.objects.filter(school=school, status=MessageReport.Status.OPEN).order_by(
            "created_at", "pk"
        )
    )


@dataclass(frozen=True)
class CohortCircles:
    cohort: str
    in_circle: Cell | Hidden
    not_in_circle: Cell | Hidden
    opted_in: Cell | Hidden


@dataclass(frozen=True)
class CircleCounts:
    """Staff's view: counts as of `as_of` (the end of the last complete week), suppressed."""

    rows: list[CohortCircles]
    total: CohortCircles
    circles: int | None
    as_of: date


def _live_counts(school: School) -> dict[int, tuple[int, int]]:
    """(opted in, in a circle) per cohort id, as the database holds them now."""
    opted = dict(
        verified_enrollments(school)
        .filter(student__circle_profile__isnull=False)
        .values_list("cohort_id")
        .annotate(n=Count("student", distinct=True))
    )
    placed = dict(
        verified_enrollments(school)
        .filter(student__circle_profile__memberships__isnull=False)
        .values_list("cohort_id")
        .annotate(n=Count("student", distinct=True))
    )
    return {cohort_id: (n, placed.get(cohort_id, 0)) for cohort_id, n in opted.items()}


def record_week_start_counts(*, school: School) -> None:
    """Before the first change of a week, keep the counts as they stood when the week began.

    Every write that changes who is opted in or placed calls this first (inside its
    transaction, holding the school's lock), so a week without a snapshot had no change and
    its live counts are still the week-start ones.
    """
    School.objects.select_for_update().get(pk=school.pk)
    week = week_of(school.today())
    if CircleCountSnapshot.objects.filter(school=school, week=week).exists():
        return
    live = _live_counts(school)
    CircleCountSnapshot.objects.bulk_create(
        [
            CircleCountSnapshot(
                school=school,
                cohort_id=cohort_id,
                week=week,
                opted_in=live.get(cohort_id, (0, 0))[0],
                in_circle=live.get(cohort_id, (0, 0))[1],
            )
            for cohort_id in school.cohorts.values_list("pk", flat=True)
        ]
    )


def _share(count: int, enrolled: int) -> Cell:
    # A share of the cohort: hidden unless at least K have it and K do not, so "all 12 named
    # students joined" is never shown.
    return Cell(n=enrolled, numerator=count, complement=enrolled - count, value=count)


def circle_counts_by_cohort(school: School, *, today: date | None = None) -> CircleCounts:
    """Per cohort: in a circle + not in one = opted in, as of the last complete week's end.

    Each count is a share of the cohort's enrolled students (K on both sides), and the row
    total lets `suppress` see that the two columns add up, so no hidden count can be worked
    out by subtraction. Counts are the week-start snapshot, never live ones.
    """
    week = week_of(today or school.today())
    cohorts = list(school.cohorts.order_by("graduation_year"))
    snapshot = {
        s.cohort_id: (s.opted_in, s.in_circle)
        for s in CircleCountSnapshot.objects.filter(school=school, week=week)
    }
    counts = snapshot if snapshot else _live_counts(school)
    enrolled = dict(
        verified_enrollments(school)
        .values_list("cohort_id")
        .annotate(n=Count("student", distinct=True))
    )
    rows, sums = [], [0, 0, 0, 0]
    for cohort in cohorts:
        opted, placed = counts.get(cohort.pk, (0, 0))
        size = max(enrolled.get(cohort.pk, 0), opted)
        rows.append(Row((_share(placed, size), _share(opted - placed, size)), _share(opted, size)))
        for i, value in enumerate((placed, opted - placed, opted, size)):
            sums[i] += value
    placed, waiting, opted, size = sums
    table = suppress(
        rows,
        k=k_for(school),
        column_totals=[_share(placed, size), _share(waiting, size)],
        grand_total=_share(opted, size),
    )
    by_cohort = [
        CohortCircles(str(c), row.cells[0], row.cells[1], row.total)
        for c, row in zip(cohorts, table.rows, strict=True)
    ]
    column_totals = table.column_totals or (Hidden(""), Hidden(""))
    total = CohortCircles("All cohorts", *column_totals, table.grand_total or Hidden(""))
    start = datetime.combine(week, time.min, tzinfo=ZoneInfo(school.timezone))
    # Circles formed before the week began: never decreases, so it names nobody who left.
    circles = Circle.objects.filter(
        school=school, kind=Circle.Kind.CIRCLE, created_at__lt=start
    ).count()
    return CircleCounts(
        by_cohort, total, circles if isinstance(total.in_circle, Cell) else None,
        week - timedelta(days=1),
    )  # fmt: skip


# Writes --------------------------------------------------------------------------------------


def _enrollment(student) -> Enrollment:
    enrollment = Enrollment.objects.select_related("school", "cohort").filter(student=student)
    if not (found := enrollment.first()):
        raise PermissionDenied("Only students can join peer circles.")
    return found


def _clean_choices(values, choices, field: str, label: str) -> list[str]:
    allowed = [c.value for c in choices]
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError({field: f"Choose {label} from the list."})
    return sorted(values, key=allowed.index)


def _clean_pseudonym(pseudonym: str, *, student, school: School, profile) -> str:
    pseudonym = re.sub(r"\s+", " ", (pseudonym or "").strip())
    if LOOKS_LIKE_EMAIL.search(pseudonym):
        raise ValidationError(
            {"pseudonym": "That looks like an email or a web address: choose a made-up name."}
        )
    if not PSEUDONYM.match(pseudonym):
        raise ValidationError(
            {"pseudonym": "Use 3-30 letters, digits, spaces, dots, dashes or apostrophes."}
        )
    real = {student.email.split("@")[0].casefold(), (student.display_name or "").casefold()}
    if pseudonym.casefold() in real:
        raise ValidationError(
            {"pseudonym": "That is your real name or email: choose a name peers can't trace."}
        )
    taken = CircleProfile.objects.filter(school=school, pseudonym_key=pseudonym.casefold())
    if profile is not None:
        taken = taken.exclude(pk=profile.pk)
    if taken.exists():
        raise ValidationError(
            {
                "pseudonym": "Someone at your school already uses that name."
                + _free_name(pseudonym, school)
            }
        )
    return pseudonym


def _free_name(pseudonym: str, school: School) -> str:
    """A suggestion after a taken pseudonym ("Quiet Heron 2"), so joining takes one try less."""
    candidates = [c for c in (f"{pseudonym} {n}" for n in range(2, 10)) if PSEUDONYM.match(c)]
    used = set(
        CircleProfile.objects.filter(
            school=school, pseudonym_key__in=[c.casefold() for c in candidates]
        ).values_list("pseudonym_key", flat=True)
    )
    free = next((c for c in candidates if c.casefold() not in used), None)
    return f" “{free}” is free, or choose another." if free else ""


@transaction.atomic
def save_circle_profile(
    *,
    student,
    pseudonym: str,
    share_cohort: bool = True,
    share_rotation: bool = False,
    interests: list[str] | None = None,
    time_zone: str = "",
    availability: list[str] | None = None,
    wants_buddy: bool = False,
    accept_guidelines: bool = False,
) -> CircleProfile:
    """Opt in (or change what one shares), then match whoever is waiting, in one transaction."""
    enrollment = _enrollment(student)
    record_week_start_counts(school=enrollment.school)
    profile = CircleProfile.objects.select_for_update().filter(student=student).first()
    if profile is None and not accept_guidelines:
        raise ValidationError(
            {"accept_guidelines": "Read the community guidelines and tick the box to join."}
        )
    if time_zone and time_zone not in dict(TIME_ZONES):
        raise ValidationError({"time_zone": "Choose a time zone from the list."})
    fields = {
        "pseudonym": _clean_pseudonym(
            pseudonym, student=student, school=enrollment.school, profile=profile
        ),
        "share_cohort": bool(share_cohort),
        "share_rotation": bool(share_rotation),
        "interests": _clean_choices(interests, Interest, "interests", "interests"),
        "time_zone": time_zone,
        "availability": _clean_choices(availability, Availability, "availability", "times"),
        "wants_buddy": bool(wants_buddy),
    }
    if profile is None:
        profile = CircleProfile(
            student=student, school=enrollment.school, guidelines_accepted_at=timezone.now()
        )
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.pseudonym_key = profile.pseudonym.casefold()
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        # Two students took the same name at the same moment: the second one is told so.
        raise ValidationError(
            {"pseudonym": "Someone at your school already uses that name."}
        ) from None
    match_waiting_students(school=enrollment.school)
    return profile


@transaction.atomic
def opt_out_of_circles(*, student) -> None:
    """Leave every circle and remove the profile; one's messages are wiped and shown removed.

    The rows stay (marked withdrawn) so that reports on them survive: a message someone
    reported and the wellness lead has not reviewed keeps its encrypted text until the review,
    so leaving cannot erase a report. Everything else is wiped now.
    """
    profile = circle_profile_of(student)
    if profile is None:
        return
    record_week_start_counts(school=profile.school)
    now = timezone.now()
    mine = CircleMessage.objects.filter(author=student, withdrawn_at__isnull=True)
    under_review = Q(reports__status=MessageReport.Status.OPEN)
    mine.filter(under_review).update(withdrawn_at=now)
    mine.exclude(under_review).update(withdrawn_at=now, body_encrypted=b"", author_pseudonym="")
    profile.delete()


@transaction.atomic
def ask_to_be_matched_again(*, student) -> CircleProfile:
    profile = circle_profile_of(student)
    if profile is None:
        raise ValidationError("Create your circle profile first.")
    profile.looking = True
    profile.save(update_fields=["looking", "updated_at"])
    match_waiting_students(school=profile.school)
    return profile


def _full_circles(kind: str):
    """Circles of `kind` big enough to keep; members of smaller ones can be matched again."""
    size = matching.MIN_SIZE if kind == Circle.Kind.CIRCLE else 2
    return (
        Circle.objects.filter(kind=kind)
        .annotate(size=Count("memberships"))
        .filter(size__gte=size)
        .values("pk")
    )


def _in_full_circle(profile: CircleProfile, *, kind: str = Circle.Kind.CIRCLE) -> bool:
    return profile.memberships.filter(circle__in=_full_circles(kind)).exists()


def _waiting_profiles(school: School) -> list[CircleProfile]:
    """Looking and not in a circle of at least MIN_SIZE (one that shrank counts as waiting)."""
    return list(
        CircleProfile.objects.filter(school=school, looking=True)
        .exclude(memberships__circle__in=_full_circles(Circle.Kind.CIRCLE))
        .order_by("pk")
    )


def _utc_offset(zone: str, now: datetime) -> int | None:
    if not zone:
        return None
    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else None


def _candidates(profiles: list[CircleProfile], *, for_buddies: bool) -> list[matching.Candidate]:
    ids = [p.student_id for p in profiles]
    cohorts = dict(
        Enrollment.objects.filter(student_id__in=ids).values_list(
            "student_id", "cohort__graduation_year"
        )
    )
    now = timezone.now()
    candidates = []
    for p in profiles:
        rotation = None
        if p.share_rotation and (placement := placement_on(p.student_id)):
            rotation = placement.rotation.slug
        candidates.append(
            matching.Candidate(
                id=p.student_id,
                # A buddy must come from another year, so buddies are matched on the real one.
                cohort=cohorts.get(p.student_id) if (p.share_cohort or for_buddies) else None,
                rotation=rotation,
                interests=frozenset(p.interests),
                utc_offset_minutes=_utc_offset(p.time_zone, now),
                availability=frozenset(p.availability),
            )
        )
    return candidates


def _blocked_among(school: School) -> set[matching.Pair]:
    return matching.blocked_pairs(
        CircleBlock.objects.filter(school=school).values_list("blocker_id", "blocked_id")
    )


def _create_circle(school: School, kind: str, profiles: list[CircleProfile]) -> Circle:
    # Whoever comes from a circle (or pair) that shrank leaves it for the new one.
    CircleMembership.objects.filter(profile__in=profiles, circle__kind=kind).delete()
    circle = Circle.objects.create(school=school, kind=kind, name="")
    base = CIRCLE_NAMES[circle.pk % len(CIRCLE_NAMES)]
    circle.name = f"{base} circle" if kind == Circle.Kind.CIRCLE else f"{base} buddies"
    circle.save(update_fields=["name"])
    CircleMembership.objects.bulk_create(
        [CircleMembership(circle=circle, profile=p) for p in profiles]
    )
    return circle


@transaction.atomic
def match_waiting_students(*, school: School) -> list[Circle]:
    """Form circles (and buddy pairs) from the students of `school` who are waiting.

    The school's row is locked first, so two opt-ins at once cannot both read the same
    waiting list and place its students in two circles.
    """
    record_week_start_counts(school=school)
    blocked = _blocked_among(school)
    created = []
    waiting = _waiting_profiles(school)
    by_student = {p.student_id: p for p in waiting}
    for ids in matching.form_circles(_candidates(waiting, for_buddies=False), blocked):
        created.append(_create_circle(school, Circle.Kind.CIRCLE, [by_student[i] for i in ids]))
    wanting = list(
        CircleProfile.objects.filter(school=school, wants_buddy=True)
        .exclude(memberships__circle__in=_full_circles(Circle.Kind.BUDDY))
        .order_by("pk")
    )
    by_student = {p.student_id: p for p in wanting}
    for a, b in matching.pair_buddies(_candidates(wanting, for_buddies=True), blocked):
        created.append(_create_circle(school, Circle.Kind.BUDDY, [by_student[a], by_student[b]]))
    return created


def _recent_duplicate(student, circle_id: int, body: str) -> CircleMessage | None:
    """The same text by the same author in the last seconds: a double-click, not a new post."""
    recent = CircleMessage.objects.filter(
        author=student,
        circle_id=circle_id,
        removed_at__isnull=True,
        created_at__gte=timezone.now() - DOUBLE_POST_WINDOW,
    ).order_by("-created_at", "-pk")[:3]
    return next((m for m in recent if decrypt_text(student, m.body_encrypted) == body), None)


@transaction.atomic
def post_circle_message(
    *, student, circle_id: int, body: str, post_anyway: bool = False
) -> CircleMessage:
    """Post to a circle the student is in; a crisis-looking message needs `post_anyway`.

    The crisis check comes before every other rule, and any refusal of a crisis-looking
    message says so (`MessageRefused.crisis`), so the writer always sees the resources.
    Posting the same text twice within seconds returns the first message (a double-click).
    """
    summary, profile = circle_of_member(student, circle_id)
    body = (body or "").strip()
    crisis = looks_like_crisis(body)
    if crisis and not post_anyway:
        raise CrisisCheck(
            "Before you post: it sounds like things may be really hard right now. You can "
            "post anyway, or edit your message."
        )
    if not body:
        raise MessageRefused({"body": "Write something before posting."}, crisis=crisis)
    if len(body) > MAX_MESSAGE_CHARS:
        raise MessageRefused(
            {"body": f"Keep a message under {MAX_MESSAGE_CHARS:,} characters ({len(body):,} now)."},
            crisis=crisis,
        )
    if (duplicate := _recent_duplicate(student, circle_id, body)) is not None:
        return duplicate
    recent = CircleMessage.objects.filter(
        author=student, circle_id=circle_id, created_at__gte=timezone.now() - RATE_WINDOW
    ).count()
    if recent >= RATE_LIMIT:
        raise MessageRefused(
            {"body": f"You've posted {RATE_LIMIT} messages in 10 minutes. "
                     "Take a breather and try again in a few minutes."},
            crisis=crisis,
        )  # fmt: skip
    return CircleMessage.objects.create(
        circle=summary.circle,
        author=student,
        author_pseudonym=profile.pseudonym,
        body_encrypted=encrypt_text(student, body),
    )


@transaction.atomic
def leave_circle(*, student, circle_id: int) -> None:
    summary, profile = circle_of_member(student, circle_id)
    record_week_start_counts(school=summary.circle.school)
    CircleMembership.objects.filter(circle=summary.circle, profile=profile).delete()
    if summary.circle.kind == Circle.Kind.BUDDY:
        profile.wants_buddy = False
        profile.save(update_fields=["wants_buddy", "updated_at"])
    else:
        profile.looking = False
        profile.save(update_fields=["looking", "updated_at"])


def text_for_member(message: CircleMessage) -> str:
    """The text of a message `message_for_member` found (so readable to that member)."""
    return decrypt_text(message.author, message.body_encrypted)


def message_for_member(student, message_id: int) -> CircleMessage:
    profile = circle_profile_of(student)
    message = (
        CircleMessage.objects.select_related("circle", "author")
        .filter(pk=message_id, circle__memberships__profile=profile)
        .filter(author__isnull=False, removed_at__isnull=True, withdrawn_at__isnull=True)
        .exclude(author_id__in=blocked_by(student))
        .first()
        if profile
        else None
    )
    if message is None:
        raise NotInYourCircles("No such message in your circles.")
    return message


@transaction.atomic
def report_circle_message(*, student, message_id: int, reason: str) -> MessageReport:
    message = message_for_member(student, message_id)
    if message.author_id == student.pk:
        raise ValidationError("You can't report your own message.")
    if reason not in ReportReason.values:
        raise ValidationError({"reason": "Choose a reason from the list."})
    already = ValidationError(
        "You already reported this message; the wellness lead will look at it."
    )
    if already_reported(student, message):
        raise already
    try:
        with transaction.atomic():
            return MessageReport.objects.create(
                message=message, reporter=student, school=message.circle.school, reason=reason
            )
    except IntegrityError:
        # The same report sent twice at once: the second is told it is already in.
        raise already from None


def already_reported(student, message: CircleMessage) -> bool:
    return MessageReport.objects.filter(message=message, reporter=student).exists()


@transaction.atomic
def block_circle_member(*, student, circle_id: int, member_id: int) -> CircleBlock:
    """Idempotent: blocking twice keeps one block."""
    summary, profile = circle_of_member(student, circle_id)
    member = (
        CircleMembership.objects.select_related("profile")
        .filter(pk=member_id, circle=summary.circle)
        .first()
    )
    if member is None:
        raise NotInYourCircles("No such member in this circle.")
    if member.profile_id == profile.pk:
        raise ValidationError("You can't block yourself.")
    block, _ = CircleBlock.objects.get_or_create(
        blocker=student,
        blocked_id=member.profile.student_id,
        defaults={"school": summary.circle.school, "blocked_pseudonym": member.profile.pseudonym},
    )
    return block


# Review by the school's wellness lead ---------------------------------------------------------


@dataclass(frozen=True)
class ReportForReview:
    report: MessageReport
    pseudonym: str
    text: str
    reason: str


def _require_wellness_lead(by, school: School) -> None:
    if wellness_school(by) != school:
        raise PermissionDenied("Only your school's wellness lead reviews reports.")


@transaction.atomic
def open_report_for_review(*, report_id: int, by) -> ReportForReview:
    """The reported message and its author's pseudonym, nothing else; the view is audited."""
    school = wellness_school(by)
    if school is None:
        raise PermissionDenied("Only your school's wellness lead reviews reports.")
    report = (
        MessageReport.objects.select_related("message__author")
        .filter(pk=report_id, school=school)
        .first()
    )
    if report is None:
        raise NotInYourCircles("No such report.")
    message = report.message
    record_event("report_viewed", actor_id=by.pk, school_id=school.pk)
    # A withdrawn message keeps its text while a report on it is open: that is what is reviewed.
    readable = message.author_id is not None and message.removed_at is None
    return ReportForReview(
        report=report,
        pseudonym=message.author_pseudonym or FORMER_MEMBER,
        text=decrypt_text(message.author, message.body_encrypted)
        if readable and bytes(message.body_encrypted)
        else REMOVED,
        reason=report.get_reason_display(),
    )


@transaction.atomic
def resolve_report(*, report: MessageReport, by, remove_message: bool) -> MessageReport:
    """Dismiss a report, or remove the message (for everyone: every report on it closes).

    Only an open report can be resolved: a second reviewer (or a resubmitted form) is told
    it is already done rather than flipping a decision.
    """
    _require_wellness_lead(by, report.school)
    report = MessageReport.objects.select_for_update().get(pk=report.pk)
    if report.status != MessageReport.Status.OPEN:
        raise ValidationError(
            f"This report was already resolved ({report.get_status_display().lower()})."
        )
    now = timezone.now()
    if remove_message:
        CircleMessage.objects.filter(pk=report.message_id).update(
            removed_at=now, body_encrypted=b""
        )
        MessageReport.objects.filter(
            Q(message_id=report.message_id), status=MessageReport.Status.OPEN
        ).update(status=MessageReport.Status.REMOVED, resolved_at=now)
    else:
        MessageReport.objects.filter(pk=report.pk).update(
            status=MessageReport.Status.DISMISSED, resolved_at=now
        )
    # The author opted out: the text was kept only for review, and no report is open now.
    CircleMessage.objects.filter(pk=report.message_id, withdrawn_at__isnull=False).exclude(
        reports__status=MessageReport.Status.OPEN
    ).update(body_encrypted=b"", author_pseudonym="")
    record_event("report_resolved", actor_id=by.pk, school_id=report.school_id)
    report.refresh_from_db()
    return report
