"""The crisis block of the API: one shape wherever an answer shows crisis resources (a
screening, "I'm not safe right now", a circle message that looks like a crisis, a check-in
note, journal entry or lesson reflection whose words sounded like one)."""

from dataclasses import asdict

from django.core.exceptions import ValidationError
from ninja import Schema

from lib.api_types import ErrorOut

from .selectors import crisis_resources_for


class NationalLineOut(Schema):
    name: str
    phone: str
    text_number: str
    text_keyword: str
    chat_url: str
    hours: str
    for_whom: str


class SchoolContactOut(Schema):
    name: str
    phone: str
    hours: str
    how_to_book: str


class CrisisOut(Schema):
    message: str
    national: list[NationalLineOut]
    school_contacts: list[SchoolContactOut]


def crisis_payload(school) -> dict:
    resources = crisis_resources_for(school)
    return {
        "message": "You don't have to handle this alone. Nobody at your school is told.",
        "national": [
            {k: v for k, v in asdict(line).items() if k in NationalLineOut.model_fields}
            for line in resources.national
        ],
        "school_contacts": [
            {"name": c.name, "phone": c.phone, "hours": c.hours, "how_to_book": c.how_to_book}
            for c in resources.school_contacts
        ],
    }


class RefusedWithCrisisOut(ErrorOut):
    """A refusal (422) that still carries the crisis block: the words were read, even though
    what was sent could not be saved."""

    crisis: CrisisOut | None = None


def refused_with_crisis(error: ValidationError, school) -> dict:
    """The body of a 422 for private writing that could not be saved but sounded like a crisis
    (the API's error shape, see wellrounded/api.py, with `crisis`)."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return {"detail": "Invalid input.", "errors": errors, "crisis": crisis_payload(school)}
