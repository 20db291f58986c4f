"""FHIR R4 Questionnaire and QuestionnaireResponse resources as plain dicts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .engine import _validate, get_instrument, score
from .errors import InvalidAnswers
from .models import Instrument, Item

# Placeholder canonical base (example.org is reserved); deployments pass their own base_url.
DEFAULT_BASE_URL = "https://well-rounded.example.org/fhir"
LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TOTAL_LINK_ID = "total"


def _resource_id(instrument: Instrument) -> str:
    # FHIR ids allow [A-Za-z0-9-.] only.
    return instrument.id.replace("_", "-")


def canonical_url(instrument: Instrument, base_url: str = DEFAULT_BASE_URL) -> str:
    return f"{base_url.rstrip('/')}/Questionnaire/{_resource_id(instrument)}"


def _option_system(instrument: Instrument, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/CodeSystem/{_resource_id(instrument)}-answers"


def _coding(instrument: Instrument, item: Item, value: int, base_url: str) -> dict[str, str]:
    option = next(o for o in item.options if o.value == value)
    if option.loinc:
        return {"system": LOINC, "code": option.loinc, "display": option.label}
    return {
        "system": _option_system(instrument, base_url),
        "code": str(option.value),
        "display": option.label,
    }


def _link_id(item: Item) -> str:
    return str(item.number)


def _resolve(instrument: Instrument | str) -> Instrument:
    return get_instrument(instrument) if isinstance(instrument, str) else instrument


def questionnaire(
    instrument: Instrument | str, *, base_url: str = DEFAULT_BASE_URL
) -> dict[str, object]:
    """A FHIR R4 Questionnaire; option values travel as ordinalValue extensions."""
    instrument = _resolve(instrument)
    items: list[dict[str, object]] = [
        {"linkId": "instructions", "type": "display", "text": instrument.stem}
    ]
    for item in instrument.questions:
        entry: dict[str, object] = {
            "linkId": _link_id(item),
            "text": item.text,
            "type": "choice",
            "required": False,
            "answerOption": [
                {
                    "valueCoding": _coding(instrument, item, option.value, base_url),
                    "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.value}],
                }
                for option in item.options
            ],
        }
        if item.loinc:
            entry["code"] = [{"system": LOINC, "code": item.loinc}]
        items.append(entry)
    total: dict[str, object] = {
        "linkId": TOTAL_LINK_ID,
        "text": f"{instrument.short_name} score",
        "type": "integer" if instrument.scoring.decimals == 0 else "decimal",
        "readOnly": True,
    }
    if instrument.loinc_total:
        total["code"] = [{"system": LOINC, "code": instrument.loinc_total}]
    items.append(total)

    resource: dict[str, object] = {
        "resourceType": "Questionnaire",
        "id": _resource_id(instrument),
        "url": canonical_url(instrument, base_url),
        "name": instrument.id.upper(),
        "title": f"{instrument.name} ({instrument.short_name})",
        "status": "active",
        "subjectType": ["Patient"],
        "description": instrument.citation,
        "copyright": instrument.licence,
        "item": items,
    }
    if instrument.version:
        resource["version"] = instrument.version
    if instrument.loinc_panel:
        resource["code"] = [
            {"system": LOINC, "code": instrument.loinc_panel, "display": instrument.name}
        ]
    return resource


def questionnaire_response(
    instrument: Instrument | str,
    answers: Sequence[int | None],
    *,
    authored: datetime,
    subject_reference: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
) -> dict[str, object]:
    """A completed FHIR R4 QuestionnaireResponse.

    Missing answers are left out. The score is included as the ``total`` item when the
    instrument's missing-answer rule allows a score; invalid answers raise InvalidAnswers.
    """
    instrument = _resolve(instrument)
    if authored.tzinfo is None or authored.utcoffset() is None:
        raise ValueError("authored must be timezone-aware (FHIR dateTime needs an offset)")
    errors = _validate(instrument, answers)
    if errors:
        raise InvalidAnswers(instrument.id, errors)
    items: list[dict[str, object]] = [
        {
            "linkId": _link_id(item),
            "text": item.text,
            "answer": [{"valueCoding": _coding(instrument, item, value, base_url)}],
        }
        for item, value in zip(instrument.questions, answers, strict=False)
        if value is not None
    ]
    try:
        result = score(instrument.id, answers)
    except InvalidAnswers:
        result = None
    if result is not None:
        value_key = "valueInteger" if isinstance(result.score, int) else "valueDecimal"
        items.append(
            {
                "linkId": TOTAL_LINK_ID,
                "text": f"{instrument.short_name} score",
                "answer": [{value_key: result.score}],
            }
        )
    resource: dict[str, object] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": canonical_url(instrument, base_url),
        "status": "completed",
        "authored": authored.isoformat(),
        "item": items,
    }
    if subject_reference:
        resource["subject"] = {"reference": subject_reference}
    return resource
