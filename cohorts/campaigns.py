"""Campaigns: the write path (create one, count a response toward it) and the emails.

A response is counted under the keyed member hash of `services.member_key`, never the
student's id, so the tables staff-facing code reads hold no identity. The invitation and
reminder tasks are the only code here that looks students up, to address the emails; what
they send never reaches a staff page.
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

import instruments
from schools.models import (
    Cohort,
    Enrollment,
    Placement,
    PlacementSource,
    RosterEntry,
    Rotation,
    School,
)
from schools.selectors import staff_memberships_of

from .models import Campaign, CampaignResponse, CampaignTestSend, Recurrence
from .services import member_key
from .signals import announce_change

MAX_WINDOW_DAYS = 90
MAX_MESSAGE_CHARS = 1000
INVITATION, REMINDER = "invitation", "reminder"
MAX_REMINDERS = 3
# Reminders are sent only between these hours, school time: never at night.
FIRST_HOUR, LAST_HOUR = time(8, 0), time(20, 0)


def _start_of(day: date, school: School) -> datetime:
    return datetime.combine(day, time(8, 0), tzinfo=ZoneInfo(school.timezone))


@transaction.atomic
def create_campaign(
    *,
    by,
    school: School,
    cohort: Cohort,
    instrument: str,
    opens_on: date,
    closes_on: date,
    message: str,
    rotation: Rotation | None = None,
    reminders: Sequence[date | None] = (),
    reminder_time: time = FIRST_HOUR,
) -> Campaign:
    """Validate everything, store the campaign, and queue its invitation and reminders.

    `reminders` are the days staff chose (blanks ignored); an error about the n-th one is
    reported under `reminder_<n>`, the form's field."""
    if school.pk not in {m.school_id for m in staff_memberships_of(by)}:
        raise ValidationError({"cohort": "You are not staff of this school."})
    return _create(
        school=school, cohort=cohort, instrument=instrument, opens_on=opens_on,
        closes_on=closes_on, message=message, rotation=rotation, reminders=reminders,
        reminder_time=reminder_time, created_by=by,
    )  # fmt: skip


def _create(
    *,
    school: School,
    cohort: Cohort,
    instrument: str,
    opens_on: date,
    closes_on: date,
    message: str,
    rotation: Rotation | None,
    reminders: Sequence[date | None],
    reminder_time: time,
    created_by,
    **recurrence,
) -> Campaign:
    errors: dict[str, str] = {}
    if rotation is not None and rotation.school_id not in (None, school.pk):
        errors["rotation"] = "Choose a rotation of this school's catalogue."
    if cohort.school_id != school.pk:
        errors["cohort"] = "Choose a cohort of your school."
    if instrument not in instruments.instrument_ids():
        errors["instrument"] = "Choose one of the screenings on the list."
    today = school.today()
    if opens_on < today:
        errors["opens_on"] = "The window cannot open in the past: choose today or later."
    if closes_on < opens_on:
        errors["closes_on"] = "The window must close on or after the day it opens."
    elif (closes_on - opens_on).days + 1 > MAX_WINDOW_DAYS:
        errors["closes_on"] = f"A window can last at most {MAX_WINDOW_DAYS} days."
    message = (message or "").strip()
    if not message:
        errors["message"] = "Write a short message for the students."
    elif len(message) > MAX_MESSAGE_CHARS:
        errors["message"] = f"Keep the message under {MAX_MESSAGE_CHARS} characters."
    errors.update(_reminder_errors(reminders, reminder_time, opens_on, closes_on))
    if not errors and _overlapping(cohort, instrument, opens_on, closes_on).exists():
        # Two overlapping windows of one screening would differ by the few students who
        # answered on the days only one of them covers: a differencing attack on suppression.
        errors["opens_on"] = (
            "Another campaign of this screening for this cohort overlaps these dates."
        )
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        school=school,
        cohort=cohort,
        rotation=rotation,
        instrument=instrument,
        opens_on=opens_on,
        closes_on=closes_on,
        message=message,
        reminder_days=sorted({(day - opens_on).days for day in reminders if day}),
        reminder_time=reminder_time,
        created_by=created_by,
        **recurrence,
    )
    transaction.on_commit(lambda: _queue_emails(campaign))
    return campaign


def _reminder_errors(
    reminders: Sequence[date | None], at: time, opens_on: date, closes_on: date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    chosen = [(n, day) for n, day in enumerate(reminders, start=1) if day]
    if len(chosen) > MAX_REMINDERS:
        errors[f"reminder_{chosen[MAX_REMINDERS][0]}"] = (
            f"At most {MAX_REMINDERS} reminders a campaign."
        )
    seen: set[date] = set()
    for n, day in chosen:
        if not opens_on < day <= closes_on:
            errors[f"reminder_{n}"] = (
                "Choose a day after the window opens (students get the invitation that day) "
                "and no later than the day it closes."
            )
        elif day in seen:
            errors[f"reminder_{n}"] = "This day is already chosen: pick another or leave blank."
        seen.add(day)
    if chosen and not FIRST_HOUR <= at <= LAST_HOUR:
        errors["reminder_time"] = (
            f"Reminders go out between {FIRST_HOUR:%H:%M} and {LAST_HOUR:%H:%M} school time, "
            "never at night."
        )
    return errors


def _overlapping(cohort: Cohort, instrument: str, opens_on: date, closes_on: date) -> QuerySet:
    return Campaign.objects.filter(
        cohort=cohort, instrument=instrument, opens_on__lte=closes_on, closes_on__gte=opens_on
    )


def _queue_emails(campaign: Campaign) -> None:
    from .tasks import send_campaign_emails  # the task module imports this one

    today = campaign.school.today()
    if campaign.opens_on <= today:  # opening today: now, or at 08:00 if it is night there
        now = timezone.now().astimezone(ZoneInfo(campaign.school.timezone))
        invite_at = None if school_hours_allow(now) else next_school_hours(now)
    else:
        invite_at = _start_of(campaign.opens_on, campaign.school)
    send_campaign_emails.using(run_after=invite_at).enqueue(campaign.pk, INVITATION)
    tz = ZoneInfo(campaign.school.timezone)
    for day in campaign.reminder_dates:
        remind_at = datetime.combine(day, campaign.reminder_time, tzinfo=tz)
        send_campaign_emails.using(run_after=remind_at).enqueue(campaign.pk, REMINDER)


def school_hours_allow(moment: datetime) -> bool:
    """Whether a campaign email may go out at `moment` (in the school's time zone)."""
    return FIRST_HOUR <= moment.time() <= LAST_HOUR


def next_school_hours(moment: datetime) -> datetime:
    """The first moment from `moment` (school time) at which a reminder may go out."""
    if school_hours_allow(moment):
        return moment
    day = moment.date() if moment.time() < FIRST_HOUR else moment.date() + timedelta(days=1)
    return datetime.combine(day, FIRST_HOUR, tzinfo=moment.tzinfo)


# Recurrence

RECURRENCE_CHANGED = "campaign_changed"
MAX_EVERY_WEEKS = 52


def window_days(campaign: Campaign) -> int:
    return (campaign.closes_on - campaign.opens_on).days + 1


@transaction.atomic
def set_recurrence(*, by, campaign: Campaign, recurrence: str, every_weeks: int | None) -> Campaign:
    """Make a campaign recur (every few weeks, or at each rotation block start), or stop it.

    Stopping stops this occurrence and every later one already created (they stay, as single
    campaigns). The next occurrence is created as soon as this one has opened: now, if it has.
    """
    if campaign.school_id not in {m.school_id for m in staff_memberships_of(by)}:
        raise ValidationError({"recurrence": "You are not staff of this campaign's school."})
    campaign = Campaign.objects.select_for_update().select_related("school").get(pk=campaign.pk)
    if recurrence not in Recurrence.values:
        raise ValidationError({"recurrence": "Choose one of the options on the list."})
    if recurrence == Recurrence.NONE:
        occurrence: Campaign | None = campaign
        while occurrence is not None:
            occurrence.recurrence, occurrence.every_weeks = Recurrence.NONE, None
            occurrence.save(update_fields=["recurrence", "every_weeks"])
            occurrence = Campaign.objects.filter(previous=occurrence).first()
        announce_change(kind=RECURRENCE_CHANGED, actor_id=by.pk, school_id=campaign.school_id)
        return campaign
    errors: dict[str, str] = {}
    after = Campaign.objects.filter(previous=campaign).first()
    days = window_days(campaign)
    if after is not None:
        errors["recurrence"] = (
            f"Its next occurrence already exists (opens {after.opens_on:%-d %b %Y}): "
            "set the recurrence there."
        )
    elif days % 7:
        # Whole weeks, as every period figures are published for (docs/privacy-model.md).
        errors["recurrence"] = (
            f"A recurring campaign's window must be whole weeks (7, 14, 21 … days); this one "
            f"is {days} days. Create it again with a window of whole weeks."
        )
    if recurrence == Recurrence.WEEKS:
        if every_weeks is None or not 1 <= every_weeks <= MAX_EVERY_WEEKS:
            errors["every_weeks"] = f"Choose every 1 to {MAX_EVERY_WEEKS} weeks."
        elif every_weeks * 7 < days:
            errors["every_weeks"] = (
                f"The next window would overlap this one: repeat every {-(-days // 7)} "
                "weeks or more."
            )
    else:
        every_weeks = None
    if errors:
        raise ValidationError(errors)
    campaign.recurrence, campaign.every_weeks = recurrence, every_weeks
    campaign.save(update_fields=["recurrence", "every_weeks"])
    announce_change(kind=RECURRENCE_CHANGED, actor_id=by.pk, school_id=campaign.school_id)
    if campaign.opens_on <= campaign.school.today():
        try:
            repeat(campaign)
        except ValidationError as refused:
            raise ValidationError(
                {
                    "recurrence": "Its next occurrence cannot be created: "
                    + " ".join(refused.messages)
                }
            ) from None
    else:
        from .tasks import repeat_campaign  # the task module imports this one

        opening = _start_of(campaign.opens_on, campaign.school)
        transaction.on_commit(lambda: repeat_campaign.using(run_after=opening).enqueue(campaign.pk))
    return campaign


def next_block_start(campaign: Campaign, *, after: date) -> date | None:
    """The first day after `after` on which a block of the school's rotation schedule starts
    for the campaign's cohort (on its rotation, for a rotation campaign)."""
    roster = RosterEntry.objects.filter(cohort_id=campaign.cohort_id).values("email")
    enrolled = Enrollment.objects.filter(cohort_id=campaign.cohort_id).values("student_id")
    blocks = Placement.objects.filter(
        Q(email__in=roster) | Q(student_id__in=enrolled),
        school_id=campaign.school_id,
        source=PlacementSource.SCHOOL,
        starts_on__gt=after,
    )
    if campaign.rotation_id is not None:
        blocks = blocks.filter(rotation_id=campaign.rotation_id)
    return blocks.order_by("starts_on").values_list("starts_on", flat=True).first()


def next_window(campaign: Campaign, *, today: date) -> tuple[date, date] | None:
    """The next occurrence's window (same length), never in the past; None while the school's
    schedule has no later block start."""
    length = timedelta(days=window_days(campaign) - 1)
    if campaign.recurrence == Recurrence.WEEKS:
        step = timedelta(weeks=campaign.every_weeks)
        opens_on = campaign.opens_on + step
        while opens_on < today:
            opens_on += step
    else:
        opens_on = next_block_start(
            campaign, after=max(campaign.closes_on, today - timedelta(days=1))
        )
        if opens_on is None:
            return None
    return opens_on, opens_on + length


def repeat(campaign: Campaign) -> Campaign | None:
    """Create the next occurrence of a recurring campaign that has opened, once.

    None when there is nothing to do (not recurring, not open yet, already repeated, no later
    rotation block on the schedule); a ValidationError when the next window is refused (it
    would overlap another campaign of the screening)."""
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update(of=("self",))  # rotation: an outer join
            .select_related("school", "cohort", "rotation")
            .filter(pk=campaign.pk)
            .first()
        )
        if campaign is None or not campaign.recurrence:
            return None
        today = campaign.school.today()
        if campaign.opens_on > today or Campaign.objects.filter(previous=campaign).exists():
            return None
        window = next_window(campaign, today=today)
        if window is None:
            return None
        opens_on, closes_on = window
        return _create(
            school=campaign.school, cohort=campaign.cohort, instrument=campaign.instrument,
            opens_on=opens_on, closes_on=closes_on, message=campaign.message,
            rotation=campaign.rotation,
            reminders=[opens_on + timedelta(days=offset) for offset in campaign.reminder_days],
            reminder_time=campaign.reminder_time, created_by=campaign.created_by,
            recurrence=campaign.recurrence, every_weeks=campaign.every_weeks, previous=campaign,
        )  # fmt: skip


def repeat_due() -> tuple[list[Campaign], list[tuple[Campaign, ValidationError]]]:
    """Create every next occurrence that is due, in every school (the daily command): the
    ones created, and the ones refused with why."""
    created, refused = [], []
    due = Campaign.objects.filter(recurrence__gt="", next_occurrence__isnull=True)
    for campaign in due.select_related("school").order_by("pk"):
        if campaign.opens_on > campaign.school.today():
            continue
        try:
            occurrence = repeat(campaign)
        except ValidationError as error:
            refused.append((campaign, error))
        else:
            if occurrence is not None:
                created.append(occurrence)
    return created, refused


def invited_students(campaign: Campaign) -> QuerySet:
    """The enrollments a campaign invites: its cohort, or those of it placed on its rotation
    at some point of the window."""
    enrollments = Enrollment.objects.filter(cohort_id=campaign.cohort_id)
    if campaign.rotation_id is not None:
        placed = Placement.objects.filter(
            rotation_id=campaign.rotation_id,
            starts_on__lte=campaign.closes_on,
            ends_on__gte=campaign.opens_on,
        ).values("student_id")
        enrollments = enrollments.filter(student_id__in=placed)
    return enrollments


def _is_invited(campaign: Campaign, student_id: int) -> bool:
    if campaign.rotation_id is None:
        return True
    return Placement.objects.filter(
        student_id=student_id,
        rotation_id=campaign.rotation_id,
        starts_on__lte=campaign.closes_on,
        ends_on__gte=campaign.opens_on,
    ).exists()


def record_campaign_response(
    *,
    school_id: int,
    cohort_id: int,
    student_id: int,
    instrument: str,
    score: float,
    band: str,
    day: date,
) -> int:
    """Count a screening toward every open campaign of the student's cohort whose window
    contains `day`. Must run inside the caller's transaction; answering again updates the
    one row per student and campaign (latest score wins). Returns how many campaigns."""
    campaigns = Campaign.objects.filter(
        school_id=school_id,
        cohort_id=cohort_id,
        instrument=instrument,
        opens_on__lte=day,
        closes_on__gte=day,
    )
    member = member_key(student_id)
    counted = 0
    for campaign in campaigns:
        if not _is_invited(campaign, student_id):
            continue
        CampaignResponse.objects.update_or_create(
            campaign=campaign,
            member=member,
            defaults={"score": float(score), "band": band or "", "day": day},
        )
        counted += 1
    return counted


def answers_a_campaign(response, cohort_id: int) -> bool:
    """Whether a stored screening counted toward a campaign when it was made (and so not in
    the weekly figures): `record_campaign_response`'s rule, for a rebuild."""
    campaigns = Campaign.objects.filter(
        school_id=response.school_id,
        cohort_id=cohort_id,
        instrument=response.instrument,
        opens_on__lte=response.day,
        closes_on__gte=response.day,
    )
    return any(_is_invited(campaign, response.student_id) for campaign in campaigns)


def forget_campaign_responses(*, student_id: int) -> int:
    """Delete a student's campaign answers (account deletion). Returns how many."""
    deleted, _ = CampaignResponse.objects.filter(member=member_key(student_id)).delete()
    return deleted


def open_campaigns_for(student) -> list[tuple[Campaign, bool]]:
    """The campaigns a student is invited to today, each with whether they have answered."""
    enrollment = Enrollment.objects.select_related("school").filter(student=student).first()
    if enrollment is None:
        return []
    today = enrollment.school.today()
    campaigns = [
        c
        for c in Campaign.objects.filter(
            cohort_id=enrollment.cohort_id, opens_on__lte=today, closes_on__gte=today
        ).order_by("closes_on", "pk")
        if _is_invited(c, student.pk)
    ]
    answered = set(
        CampaignResponse.objects.filter(
            campaign__in=campaigns, member=member_key(student.pk)
        ).values_list("campaign_id", flat=True)
    )
    return [(c, c.pk in answered) for c in campaigns]


def screening_url(campaign: Campaign) -> str:
    return settings.SITE_URL + reverse("screening_take", args=[campaign.instrument])


def campaign_email(campaign: Campaign, kind: str, to: list[str]) -> EmailMessage:
    """The invitation or reminder exactly as it is sent: the preview, the test to oneself and
    the real send all build it here."""
    name = instruments.get_instrument(campaign.instrument).name
    closes = campaign.closes_on.strftime("%-d %B")
    if kind == INVITATION:
        subject = f"{campaign.school.name} invites you to a short survey: {name}"
    else:
        subject = f"Reminder: the {name} survey closes on {closes}"
    body = (
        f"{campaign.message}\n\n"
        f"Take it here (open until {closes}): {screening_url(campaign)}\n\n"
        "Your answers are yours: your school only ever sees anonymous totals of groups of "
        "students, never your answers. Answering is optional.\n"
    )
    return EmailMessage(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        to,
    )


PREVIEW_ADDRESS = "student@example.org"
TEST_SENDS_PER_HOUR = 5
TEST_SENT = "campaign_test_sent"


def invitation_preview(campaign: Campaign) -> EmailMessage:
    """The invitation a campaign sends, as one student gets it (the address is a stand-in)."""
    return campaign_email(campaign, INVITATION, [PREVIEW_ADDRESS])


def send_test_invitation(*, by, campaign: Campaign) -> None:
    """Send the campaign's invitation to `by`'s own address, and nobody else's.

    At most TEST_SENDS_PER_HOUR per campaign an hour, whoever sends them: a test button must
    not become a way to mail-bomb a colleague's inbox or the mail server's reputation. The
    audit event says who sent a test for which school, never the address or the text.
    """
    if campaign.school_id not in {m.school_id for m in staff_memberships_of(by)}:
        raise ValidationError("You are not staff of this campaign's school.")
    if campaign.is_closed(campaign.school.today()):
        raise ValidationError("This campaign has closed: it sends no more invitations.")
    with transaction.atomic():
        # The lock makes "count, then add one" a single step for concurrent clicks.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        since = timezone.now() - timedelta(hours=1)
        if campaign.test_sends.filter(sent_at__gt=since).count() >= TEST_SENDS_PER_HOUR:
            raise ValidationError(
                f"At most {TEST_SENDS_PER_HOUR} tests of a campaign an hour: try again later."
            )
        CampaignTestSend.objects.create(campaign=campaign)
        announce_change(kind=TEST_SENT, actor_id=by.pk, school_id=campaign.school_id)
        # Sent inside the transaction: if the mail server refuses, the attempt is not counted.
        campaign_email(campaign, INVITATION, [by.email]).send()


EMAIL_RETRY_DELAY = timedelta(minutes=15)


def send_campaign_emails(*, campaign_id: int, kind: str, now: datetime | None = None) -> int:
    """Email every invited student who has not answered yet: the invitation once, and each
    reminder day once (reminders that fell due together go out as one email).

    An email that comes due outside school hours (08:00-20:00: a campaign created at night
    to open today, a worker that was down, a retry) waits for 08:00. One message per student
    (no student sees another's address). Returns how many were sent.
    """
    from .tasks import send_campaign_emails as task  # the task module imports this one

    now = now or timezone.now()
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update()
            .select_related("school")
            .filter(pk=campaign_id)
            .first()
        )
        if campaign is None:
            return 0  # deleted before its emails were due
        local = now.astimezone(ZoneInfo(campaign.school.timezone))
        if campaign.is_closed(local.date()):
            return 0
        if kind == INVITATION and campaign.invitations_sent_at is not None:
            return 0
        if not school_hours_allow(local):
            # Never at night, the invitation included (a campaign created at 23:00 to open
            # today, a worker that was down, a retry): it waits for 08:00.
            task.using(run_after=next_school_hours(local)).enqueue(campaign.pk, kind)
            return 0
        if kind == INVITATION:
            campaign.invitations_sent_at = now
            campaign.save(update_fields=["invitations_sent_at"])
            claimed: list[int] = []
        else:
            claimed = [
                offset
                for offset, day in zip(
                    sorted(campaign.reminder_days), campaign.reminder_dates, strict=True
                )
                if offset not in campaign.reminders_sent
                and (
                    day < local.date()
                    or (day == local.date() and campaign.reminder_time <= local.time())
                )
            ]
            if not claimed:
                return 0
            campaign.reminders_sent = sorted(campaign.reminders_sent + claimed)
            campaign.save(update_fields=["reminders_sent"])
    answered = set(campaign.responses.values_list("member", flat=True))
    addresses = [
        email
        for student_id, email in invited_students(campaign).values_list(
            "student_id", "student__email"
        )
        if member_key(student_id) not in answered
    ]
    messages = [campaign_email(campaign, kind, [address]) for address in addresses]
    if messages:
        try:
            get_connection().send_messages(messages)
        except Exception:
            # The claim above keeps two workers from sending twice; if the mail server
            # fails, give the claim back and try again later (at least once, never lost).
            _give_back(campaign.pk, kind, claimed)
            retry_at = timezone.now() + EMAIL_RETRY_DELAY
            task.using(run_after=retry_at).enqueue(campaign.pk, kind)
            raise
    return len(messages)


def _give_back(campaign_id: int, kind: str, claimed: list[int]) -> None:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if kind == INVITATION:
            campaign.invitations_sent_at = None
        else:
            campaign.reminders_sent = [o for o in campaign.reminders_sent if o not in claimed]
        campaign.save(update_fields=["invitations_sent_at", "reminders_sent"])


def staff_campaigns(user) -> QuerySet:
    """Every campaign of the schools `user` is staff of (nothing for anyone else)."""
    schools = [m.school_id for m in staff_memberships_of(user)]
    return Campaign.objects.filter(school_id__in=schools).select_related(
        "cohort", "rotation", "school"
    )


def campaign_for_staff(user, campaign_id) -> Campaign | None:
    try:
        campaign_id = int(campaign_id)
    except (TypeError, ValueError):
        return None
    return staff_campaigns(user).filter(pk=campaign_id).first()


def rotation_choices(schools) -> list[Rotation]:
    """The rotations a campaign may target: the catalogues of the staff member's schools."""
    return list(Rotation.catalogue_of(*schools))
