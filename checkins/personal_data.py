import json

import instruments
from accounts.personal_data import PersonalDataset, register

from .models import SCALE_FIELDS, SELF_CARE_FIELDS, CheckIn, SafetyEvent, ScreeningResponse
from .rollups import forget_student
from .selectors import checkin_note


def export_checkins(user) -> list[dict]:
    return [
        {
            "day": c.day,
            "rotation": c.rotation.name if c.rotation else None,
            **{name: getattr(c, name) for name in SCALE_FIELDS},
            "sleep_hours": c.sleep_hours,
            **{name: getattr(c, name) for name in SELF_CARE_FIELDS},
            "note": checkin_note(c),
        }
        for c in CheckIn.objects.select_related("rotation", "student").filter(student=user)
    ]


def export_screenings(user) -> list[dict]:
    return [
        {
            "id": r.pk,
            "instrument": r.instrument,
            "day": r.day,
            "taken_at": r.taken_at,
            "answers": r.answers,
            "score": r.score,
            "band": r.band,
            "flags": r.flags,
            "prorated": r.prorated,
        }
        for r in ScreeningResponse.objects.filter(student=user)
    ]


def screenings_as_fhir(user) -> dict[str, bytes]:
    return {
        f"fhir/screening-{r.pk}-{r.instrument}.json": json.dumps(
            instruments.questionnaire_response(r.instrument, r.answers, authored=r.taken_at),
            indent=2,
        ).encode()
        for r in ScreeningResponse.objects.filter(student=user)
    }


def export_safety_events(user) -> list[dict]:
    return [
        {"shown_at": e.shown_at, "why": e.get_trigger_display()}
        for e in SafetyEvent.objects.filter(student=user)
    ]


def register_datasets() -> None:
    register(
        PersonalDataset(
            "checkins",
            "your daily check-ins, with your private notes",
            export_checkins,
            forget=forget_student,
        )
    )
    register(
        PersonalDataset(
            "screenings",
            "your screening answers and scores",
            export_screenings,
            files=screenings_as_fhir,
        )
    )
    register(
        PersonalDataset(
            "safety_events", "when crisis resources were shown to you", export_safety_events
        )
    )
