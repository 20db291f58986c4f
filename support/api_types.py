"""The crisis block of the API: one shape wherever an answer shows crisis resources (a
screening, "I'm not safe right now", a circle message that looks like a crisis)."""

from dataclasses import asdict

from ninja import Schema

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
