"""Every write a student makes about their own day or screenings goes through here."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

import instruments
from cohorts.campaigns import record_campaign_response
from cohorts.publishing import week_is_published
from schools.models import Enrollment
from schools.selectors import enrollment_for, lock_enrollment, placement_on
from support.crisis_keywords import looks_like_crisis
from vault.services import encrypt_text

from . import rollups
from .models import (
    MAX_NOTE_CHARS,
    SCALE_FIELDS,
    SELF_CARE_FIELDS,
    CheckIn,
    SafetyEvent,
    ScreeningResponse,
    ScreeningSchedule,
)

SELF_HARM = "self_harm"
# The answers of a check-in: a full one needs all of them, a quick one the mood alone.
ANSWER_FIELDS = ["mood", *[name for name in SCALE_FIELDS if name != "mood"], "sleep_hours"]
# Optional reminders a student starts with (they can change or switch off each one).
DEFAULT_SCHEDULE = {"who5": 14, "ucla3": 14, "phq9": 30, "gad7": 30}


def check_can_record_day(school, day: date) -> None:
    """Refuse a check-in day outside today and yesterday (up to 48 hours back, for the night
    on call), or in a week whose figures are already published: a published release must
    never move."""
    today = school.today()
    if day > today:
        raise ValidationError({"day": "A check-in cannot be for a future day."})
    if day < today - timedelta(days=1):
        raise ValidationError(
            {"day": "A check-in can be added or changed for today or yesterday only."}
        )
    # Today's week is never published yet (a week is published after it ends), so only an
    # earlier day costs the look-up.
    if day < today and week_is_published(school.pk, day):
        raise ValidationError(
            {
                "day": f"The week of {day:%A %-d %B} is closed: its anonymous figures are "
                "already published, so its check-ins can no longer be added or changed."
            }
        )


def can_record_day(school, day: date) -> bool:
    try:
        check_can_record_day(school, day)
    except ValidationError:
        return False
    return True


def record_checkin(
    *,
    student,
    values: Mapping,
    day: date | None = None,
    enrollment: Enrollment | None = None,
    quick: bool = False,
) -> tuple[CheckIn, bool]:
    """Create or update the student's check-in for `day` (today by default, or yesterday).
    Returns (check-in, created).

    Submitting twice (double tap, retry, a second device) updates the one row for the day.
    A `quick` check-in needs only the mood: it sets the answers it was given and keeps the
    rest of the day's check-in as it was (or empty, never guessed).
    Pass the student's `enrollment` if it is already loaded (the views have it).
    """
    # Everything that only reads or validates happens before the write transaction, so the
    # lock (on SQLite, the whole database's) is held for the writes alone.
    enrollment = enrollment or enrollment_for(student)
    day = day or enrollment.school.today()
    check_can_record_day(enrollment.school, day)
    answered = [name for name in ANSWER_FIELDS if values.get(name) not in (None, "")]
    if "mood" not in answered:
        raise ValidationError({"mood": "Pick a number from 1 to 5."})
    if not quick:
        missing = [name for name in ANSWER_FIELDS if name not in answered]
        if missing:
            raise ValidationError({name: "This question needs an answer." for name in missing})
    note = (values.get("note") or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError({"note": f"Keep the note under {MAX_NOTE_CHARS} characters."})
    candidate = CheckIn(
        student=student,
        school=enrollment.school,
        day=day,
        **{name: values.get(name) for name in answered},
        **{name: bool(values.get(name, False)) for name in SELF_CARE_FIELDS},
    )
    # The related rows come from the enrollment and placement: no need to re-check that they
    # exist.
    candidate.full_clean(
        exclude=["student", "school", "rotation"], validate_unique=False, validate_constraints=False
    )
    fields = {name: getattr(candidate, name) for name in answered}
    if not quick:
        # A quick check-in leaves the day's self-care and note as they were.
        fields.update({name: getattr(candidate, name) for name in SELF_CARE_FIELDS})
        fields["note_encrypted"] = encrypt_text(student, note) if note else None
    with transaction.atomic():
        # Lock the student's enrollment first: every write of theirs queues here, so reading
        # the day's previous answers (to take them out of the rollups) cannot race a second
        # submit. The cohort is read again under the lock (it is where the rollups go), and
        # the day's rotation in the same statement.
        locked = lock_enrollment(student, day=day)
        if locked is None or (locked.school_id, locked.cohort_id) != (
            enrollment.school_id,
            enrollment.cohort_id,
        ):
            raise ValidationError("Your cohort changed while this was being saved. Try again.")
        if day != enrollment.school.today():
            # Asked again under the lock: a week published since the first check stays put.
            check_can_record_day(enrollment.school, day)
        cohort_id = enrollment.cohort_id
        fields["rotation_id"] = locked.rotation_id
        checkin = CheckIn.objects.filter(student=student, day=day).first()
        if checkin is None:
            for name, value in fields.items():
                setattr(candidate, name, value)
            candidate.save(force_insert=True)
            rollups.add(rollups.checkin_observations(candidate, cohort_id))
            return candidate, True
        before = rollups.checkin_observations(checkin, cohort_id)
        for name, value in {**fields, "school": enrollment.school}.items():
            setattr(checkin, name, value)
        checkin.save(update_fields=[*fields, "school", "updated_at"])
        rollups.replace(before, rollups.checkin_observations(checkin, cohort_id))
        return checkin, False


@transaction.atomic
def delete_checkin(*, student, day: date | None = None) -> bool:
    enrollment = enrollment_for(student)
    day = day or enrollment.school.today()
    if day != enrollment.school.today():
        raise ValidationError({"day": "You can only delete today's check-in here."})
    Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()
    checkin = CheckIn.objects.filter(student=student, day=day).first()
    if checkin is None:
        return False
    rollups.remove(rollups.checkin_observations(checkin, enrollment.cohort_id))
    checkin.delete()
    return True


@dataclass(frozen=True)
class ScreeningOutcome:
    response: ScreeningResponse
    created: bool
    band_meaning: str | None

    @property
    def show_crisis(self) -> bool:
        return SELF_HARM in self.response.flags


class ScreeningRejected(ValidationError):
    """Answers that cannot be scored; `show_crisis` is still set from the valid answers."""

    def __init__(self, errors, *, show_crisis: bool):
        super().__init__(errors)
        self.show_crisis = show_crisis


def record_safety_event(*, student, trigger: str) -> SafetyEvent:
    """Note, for the student's own history, that crisis resources were shown. Nobody is told."""
    return SafetyEvent.objects.create(student=student, trigger=trigger)


def screen_private_writing(*, student, text: str | None) -> bool:
    """Whether something a student wrote for themselves (a check-in note, a journal entry, a
    lesson reflection) sounds like a crisis: the peer circles' check, on the same phrase list.

    Call it with the plain text, before it is encrypted (and whether or not the rest of the
    form can be saved: the words were read either way). When it answers True, show the student
    the crisis resources in the same response. Nobody is told; the only thing kept is the
    student's own SafetyEvent, which records when, never the text or where it was written.
    """
    if not text or not looks_like_crisis(text):
        return False
    record_safety_event(student=student, trigger=SafetyEvent.Trigger.PRIVATE_WRITING)
    return True


def record_screening(
    *, student, instrument_id: str, answers: Sequence, submission_key: str
) -> ScreeningOutcome:
    enrollment = enrollment_for(student)
    try:
        instrument = instruments.get_instrument(instrument_id)
    except instruments.UnknownInstrument as error:
        raise ValidationError({"instrument": str(error)}) from None
    if not submission_key or len(submission_key) > 64:
        raise ValidationError({"submission_key": "A submission key of 1-64 characters is needed."})
    existing = ScreeningResponse.objects.filter(
        student=student, submission_key=submission_key
    ).first()
    if existing is not None:
        if existing.instrument != instrument.id or existing.answers != list(answers):
            # A retry repeats its submission exactly; anything else reusing the key is a
            # different screening, and answering with the first one's result would hide that.
            raise ValidationError(
                {"submission_key": "This key was already used for a different screening."}
            )
        return _outcome(existing, created=False)
    try:
        result = instruments.score(instrument.id, list(answers))
    except instruments.InvalidAnswers as error:
        show_crisis = SELF_HARM in error.flags
        if show_crisis:
            # The answers could not be saved, but the self-harm answer was read: the
            # student still sees crisis resources, and their own history says so.
            record_safety_event(student=student, trigger=SafetyEvent.Trigger.SELF_HARM_ANSWER)
        raise ScreeningRejected(
            {
                (f"item_{key + 1}" if isinstance(key, int) else "answers"): message
                for key, message in error.errors.items()
            },
            show_crisis=show_crisis,
        ) from None
    placement = placement_on(student, enrollment.school.today())
    try:
        with transaction.atomic():
            response = ScreeningResponse.objects.create(
                student=student,
                school=enrollment.school,
                instrument=instrument.id,
                answers=list(answers),
                score=float(result.score),
                band=result.band or "",
                flags=list(result.flags),
                prorated=result.prorated,
                rotation=placement.rotation if placement else None,
                day=enrollment.school.today(),
                submission_key=submission_key,
            )
            surveyed = record_campaign_response(
                school_id=enrollment.school_id,
                cohort_id=enrollment.cohort_id,
                student_id=student.pk,
                instrument=instrument.id,
                score=response.score,
                band=response.band,
                day=response.day,
            )
            if not surveyed:
                # An answer to a survey counts in the survey's results only, never also in the
                # weekly figures: two products that share no answer cannot be subtracted.
                rollups.add(rollups.screening_observations(response, enrollment.cohort_id))
            if SELF_HARM in result.flags:
                record_safety_event(student=student, trigger=SafetyEvent.Trigger.SELF_HARM_ANSWER)
    except IntegrityError:
        # A concurrent retry of the same submission won the race: answer with its row.
        response = ScreeningResponse.objects.get(student=student, submission_key=submission_key)
        return _outcome(response, created=False)
    return ScreeningOutcome(response, True, result.band_meaning)


def _outcome(response: ScreeningResponse, *, created: bool) -> ScreeningOutcome:
    band = instruments.get_instrument(response.instrument).band_for(response.score)
    return ScreeningOutcome(response, created, band.meaning if band else None)


@transaction.atomic
def set_screening_schedule(
    *, student, instrument_id: str, every_days: int | None
) -> ScreeningSchedule | None:
    """Remind every `every_days` days, or never (None)."""
    enrollment_for(student)
    try:
        instruments.get_instrument(instrument_id)
    except instruments.UnknownInstrument as error:
        raise ValidationError({"instrument": str(error)}) from None
    if every_days is None:
        ScreeningSchedule.objects.update_or_create(
            student=student, instrument=instrument_id, defaults={"active": False, "every_days": 30}
        )
        return None
    schedule = ScreeningSchedule(student=student, instrument=instrument_id, every_days=every_days)
    schedule.full_clean(validate_unique=False, validate_constraints=False)
    schedule, _ = ScreeningSchedule.objects.update_or_create(
        student=student,
        instrument=instrument_id,
        defaults={"every_days": every_days, "active": True},
    )
    return schedule
