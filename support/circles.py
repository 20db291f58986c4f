"""Peer circles: the writes (services) and reads (selectors) every front end shares.

Pages, the API, `manage.py match_circles` and the demo all call these, so a rule (a pseudonym
that looks like an email, a message to a circle one is not in, a second report) is enforced
once. Staff reach only two things here: suppressed counts, and reported messages for the
school's wellness lead, each view of which is audited.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from cohorts.selectors import k_for
from cohorts.suppression import Cell, Hidden, Row, suppress
from schools.models import Enrollment, School, StaffMembership, StaffRole
from schools.selectors import placement_on
from vault.audit import record_event
from vault.services import decrypt_text, encrypt_text

from . import matching
from .circles_content import TIME_ZONES, prompt_of_the_week
from .crisis_keywords import looks_like_crisis
from .models import (
    MAX_MESSAGE_CHARS,
    Availability,
    Circle,
    CircleBlock,
    CircleMembership,
    CircleMessage,
    CircleProfile,
    Interest,
    MessageReport,
    ReportReason,
)

PSEUDONYM = re.compile(r"^[\w][\w .'-]{1,28}[\w.]$")
LOOKS_LIKE_EMAIL = re.compile(r"@|\b[\w-]+\.(com|org|net|edu|io|co|uk|example)\b", re.IGNORECASE)
RATE_LIMIT = 10
RATE_WINDOW = timedelta(minutes=10)
MESSAGES_SHOWN = 50
REMOVED = "message removed"
CIRCLE_NAMES = (
    "Willow", "Cedar", "Maple", "Birch", "Rowan", "Alder", "Aspen", "Hazel", "Linden", "Juniper",
    "Elm", "Laurel", "Sequoia", "Magnolia", "Cypress", "Olive", "Poplar", "Spruce",
)  # fmt: skip


class CrisisCheck(ValidationError):
    """The message looks like a crisis: show the writer the crisis resources first."""


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
        prompt=prompt_of_the_week(timezone.localdate()),
        meet_up=MeetUp(slot if free > 1 else "", free, len(memberships)),
    )


def circles_of(student) -> list[CircleSummary]:
    """The student's circles, each with its members by pseudonym only."""
    profile = circle_profile_of(student)
    if profile is None:
        return []
    circles = list(
        Circle.objects.filter(memberships__profile=profile).order_by("kind", "created_at", "pk")
    )
    memberships = CircleMembership.objects.select_related("profile").filter(circle__in=circles)
    by_circle: dict[int, list[CircleMembership]] = {}
    for membership in memberships:
        by_circle.setdefault(membership.circle_id, []).append(membership)
    return [_summary(c, by_circle.get(c.pk, []), profile) for c in circles]


def circle_of_member(student, circle_id: int) -> tuple[CircleSummary, CircleProfile]:
    """A circle the student is in, or 404: whether it exists is nobody else's business."""
    profile = circle_profile_of(student)
    circle = (
        Circle.objects.filter(pk=circle_id, memberships__profile=profile).first()
        if profile
        else None
    )
    if circle is None:
        raise Http404("You are not in this circle.")
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
            pseudonym=m.author_pseudonym,
            body=REMOVED if m.is_removed else decrypt_text(m.author, m.body_encrypted),
            removed=m.is_removed,
            mine=m.author_id == student.pk,
            created_at=m.created_at,
        )
        for m in reversed(latest)
    ]


def waiting_message(profile: CircleProfile) -> str | None:
    """What a student waiting for a circle reads, or None when they are in one."""
    if not profile.looking or profile.memberships.filter(circle__kind=Circle.Kind.CIRCLE).exists():
        return None
    waiting = len(_waiting_profiles(profile.school))
    more = matching.MIN_SIZE - waiting
    if more > 0:
        students = "student has" if more == 1 else "students have"
        return f"We'll match you when {more} more {students} opted in."
    return "We'll match you as soon as a circle that fits you can be formed."


def buddy_waiting(profile: CircleProfile) -> bool:
    return (
        profile.wants_buddy
        and not profile.memberships.filter(circle__kind=Circle.Kind.BUDDY).exists()
    )


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
    opted_in: Cell | Hidden
    in_circles: Cell | Hidden


def circle_counts_by_cohort(school: School) -> tuple[list[CohortCircles], Cell | Hidden, int]:
    """Students opted in and in circles per cohort, suppressed; plus the number of circles.

    Only counts leave this function, and each passes `suppress` with the school's K.
    """
    cohorts = list(school.cohorts.order_by("graduation_year"))
    opted = dict(
        Enrollment.objects.filter(school=school, student__circle_profile__isnull=False)
        .values_list("cohort_id")
        .annotate(n=Count("student", distinct=True))
    )
    placed = dict(
        Enrollment.objects.filter(school=school, student__circle_profile__memberships__isnull=False)
        .values_list("cohort_id")
        .annotate(n=Count("student", distinct=True))
    )
    rows = [
        Row((Cell(n=opted.get(c.pk, 0), value=opted.get(c.pk, 0)),
             Cell(n=placed.get(c.pk, 0), value=placed.get(c.pk, 0))))
        for c in cohorts
    ]  # fmt: skip
    total_opted = sum(opted.values())
    total_placed = sum(placed.values())
    table = suppress(
        rows,
        k=k_for(school),
        column_totals=[
            Cell(n=total_opted, value=total_opted),
            Cell(n=total_placed, value=total_placed),
        ],
    )
    by_cohort = [
        CohortCircles(str(c), row.cells[0], row.cells[1])
        for c, row in zip(cohorts, table.rows, strict=True)
    ]
    circles = Circle.objects.filter(school=school, kind=Circle.Kind.CIRCLE).count()
    # The number of circles says little about anyone, but only with enough members to hide in.
    totals = table.column_totals[1] if table.column_totals else Hidden("")
    return by_cohort, totals, circles if isinstance(totals, Cell) else 0


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
        raise ValidationError({"pseudonym": "Someone at your school already uses that name."})
    return pseudonym


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
    """Leave every circle and remove the profile and everything written under it."""
    CircleMessage.objects.filter(author=student).delete()
    CircleProfile.objects.filter(student=student).delete()


@transaction.atomic
def ask_to_be_matched_again(*, student) -> CircleProfile:
    profile = circle_profile_of(student)
    if profile is None:
        raise ValidationError("Create your circle profile first.")
    profile.looking = True
    profile.save(update_fields=["looking", "updated_at"])
    match_waiting_students(school=profile.school)
    return profile


def _waiting_profiles(school: School) -> list[CircleProfile]:
    return list(
        CircleProfile.objects.filter(school=school, looking=True)
        .exclude(memberships__circle__kind=Circle.Kind.CIRCLE)
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
    """Form circles (and buddy pairs) from the students of `school` who are waiting."""
    blocked = _blocked_among(school)
    created = []
    waiting = _waiting_profiles(school)
    by_student = {p.student_id: p for p in waiting}
    for ids in matching.form_circles(_candidates(waiting, for_buddies=False), blocked):
        created.append(_create_circle(school, Circle.Kind.CIRCLE, [by_student[i] for i in ids]))
    wanting = list(
        CircleProfile.objects.filter(school=school, wants_buddy=True)
        .exclude(memberships__circle__kind=Circle.Kind.BUDDY)
        .order_by("pk")
    )
    by_student = {p.student_id: p for p in wanting}
    for a, b in matching.pair_buddies(_candidates(wanting, for_buddies=True), blocked):
        created.append(_create_circle(school, Circle.Kind.BUDDY, [by_student[a], by_student[b]]))
    return created


def _check_message(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something before posting."})
    if len(body) > MAX_MESSAGE_CHARS:
        raise ValidationError(
            {"body": f"Keep a message under {MAX_MESSAGE_CHARS:,} characters ({len(body):,} now)."}
        )
    return body


@transaction.atomic
def post_circle_message(
    *, student, circle_id: int, body: str, post_anyway: bool = False
) -> CircleMessage:
    """Post to a circle the student is in; a crisis-looking message needs `post_anyway`."""
    summary, profile = circle_of_member(student, circle_id)
    body = _check_message(body)
    recent = CircleMessage.objects.filter(
        author=student, circle_id=circle_id, created_at__gte=timezone.now() - RATE_WINDOW
    ).count()
    if recent >= RATE_LIMIT:
        raise ValidationError(
            {"body": f"You've posted {RATE_LIMIT} messages in 10 minutes. "
                     "Take a breather and try again in a few minutes."}
        )  # fmt: skip
    if looks_like_crisis(body) and not post_anyway:
        raise CrisisCheck(
            "Before you post: it sounds like things may be really hard right now. You can "
            "post anyway, or edit your message."
        )
    return CircleMessage.objects.create(
        circle=summary.circle,
        author=student,
        author_pseudonym=profile.pseudonym,
        body_encrypted=encrypt_text(student, body),
    )


@transaction.atomic
def leave_circle(*, student, circle_id: int) -> None:
    summary, profile = circle_of_member(student, circle_id)
    CircleMembership.objects.filter(circle=summary.circle, profile=profile).delete()
    if summary.circle.kind == Circle.Kind.BUDDY:
        profile.wants_buddy = False
        profile.save(update_fields=["wants_buddy", "updated_at"])
    else:
        profile.looking = False
        profile.save(update_fields=["looking", "updated_at"])


def message_for_member(student, message_id: int) -> CircleMessage:
    profile = circle_profile_of(student)
    message = (
        CircleMessage.objects.select_related("circle", "author")
        .filter(pk=message_id, circle__memberships__profile=profile)
        .exclude(author_id__in=blocked_by(student))
        .first()
        if profile
        else None
    )
    if message is None:
        raise Http404("No such message in your circles.")
    return message


@transaction.atomic
def report_circle_message(*, student, message_id: int, reason: str) -> MessageReport:
    message = message_for_member(student, message_id)
    if message.author_id == student.pk:
        raise ValidationError("You can't report your own message.")
    if reason not in ReportReason.values:
        raise ValidationError({"reason": "Choose a reason from the list."})
    if MessageReport.objects.filter(message=message, reporter=student).exists():
        raise ValidationError(
            "You already reported this message; the wellness lead will look at it."
        )
    return MessageReport.objects.create(
        message=message, reporter=student, school=message.circle.school, reason=reason
    )


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
        raise Http404("No such member in this circle.")
    if member.profile_id == profile.pk:
        raise ValidationError("You can't block yourself.")
    block, _ = CircleBlock.objects.get_or_create(
        blocker=student,
        blocked_id=member.profile.student_id,
        defaults={"school": summary.circle.school},
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
        raise Http404("No such report.")
    message = report.message
    record_event("report_viewed", actor_id=by.pk, school_id=school.pk)
    return ReportForReview(
        report=report,
        pseudonym=message.author_pseudonym,
        text=REMOVED
        if message.is_removed
        else decrypt_text(message.author, message.body_encrypted),
        reason=report.get_reason_display(),
    )


@transaction.atomic
def resolve_report(*, report: MessageReport, by, remove_message: bool) -> MessageReport:
    """Dismiss a report, or remove the message (for everyone: every report on it closes)."""
    _require_wellness_lead(by, report.school)
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
    record_event("report_resolved", actor_id=by.pk, school_id=report.school_id)
    report.refresh_from_db()
    return report
