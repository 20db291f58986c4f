"""FHIR R4 Questionnaire and QuestionnaireResponse resources as plain dicts.

Every scored answer carries its *scored* value as an ``ordinalValue`` extension, in the
Questionnaire's answerOption and on the answer's valueCoding in the QuestionnaireResponse
(as the US Core PHQ-9 example does), so a consumer that combines the ordinalValues the way
the Questionnaire's description says gets the reported total, reverse-scored items included.
The raw option (code and display) is unchanged, so "Never" on a reversed PSS-10 item is
code 0 with ordinalValue 4. Reversed items and unscored questions are marked with
Well-Rounded extensions, and a total computed from fewer answers than items (prorated, or a
mean of the answered items) is marked as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from .engine import _validate, get_instrument, score
from .errors import InvalidAnswers
from .models import Instrument, Item

# Placeholder canonical base (example.org is reserved); deployments pass their own base_url.
DEFAULT_BASE_URL = "https://well-rounded.example.org/fhir"
LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TOTAL_LINK_ID = "total"
# The notice HL7's terminology authority expects wherever LOINC content is used (HL7 HTA
# licence conformance pages, e.g. build.fhir.org/ig/HL7/FHIRPath/qa-hta.html).
LOINC_NOTICE = (
    "This material contains content from LOINC (http://loinc.org). LOINC is copyright © "
    "1995-2020, Regenstrief Institute, Inc. and the Logical Observation Identifiers Names "
    "and Codes (LOINC) Committee and is available at no cost under the license at "
    "http://loinc.org/license. LOINC® is a registered United States trademark of "
    "Regenstrief Institute, Inc."
)


def extension_url(name: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """Well-Rounded's own extensions: reverse-scored, unscored, score-prorated, items-answered."""
    return f"{base_url.rstrip('/')}/StructureDefinition/{name}"


def _resource_id(instrument: Instrument) -> str:
    # FHIR ids allow [A-Za-z0-9-.] only.
    return instrument.id.replace("_", "-")


def canonical_url(instrument: Instrument, base_url: str = DEFAULT_BASE_URL) -> str:
    return f"{base_url.rstrip('/')}/Questionnaire/{_resource_id(instrument)}"


def option_system(instrument: Instrument, item: Item, base_url: str = DEFAULT_BASE_URL) -> str:
    """One code system per option set, so a code never has two displays (CBI work-related
    uses "100" for both "Always" and "To a very high degree")."""
    set_id = item.option_set.replace("_", "-")
    return f"{base_url.rstrip('/')}/CodeSystem/{_resource_id(instrument)}-{set_id}"


def uses_loinc(instrument: Instrument) -> bool:
    return bool(
        instrument.loinc_panel
        or instrument.loinc_total
        or any(q.loinc or any(o.loinc for o in q.options) for q in instrument.questions)
    )


def _coding(instrument: Instrument, item: Item, value: int, base_url: str) -> dict[str, object]:
    option = next(o for o in item.options if o.value == value)
    if option.loinc:
        return {"system": LOINC, "code": option.loinc, "display": option.label}
    return {
        "system": option_system(instrument, item, base_url),
        "code": str(option.value),
        "display": option.label,
    }


def _ordinal(item: Item, value: int) -> list[dict[str, object]]:
    return [{"url": ORDINAL_VALUE, "valueDecimal": item.scored_value(value)}]


def _link_id(item: Item) -> str:
    return str(item.number)


def _resolve(instrument: Instrument | str) -> Instrument:
    return get_instrument(instrument) if isinstance(instrument, str) else instrument


def _numbers(numbers: Sequence[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def scoring_description(instrument: Instrument) -> str:
    """How the total follows from the answers' ordinalValues, in one paragraph."""
    scoring = instrument.scoring
    n = len(instrument.items)
    if scoring.method == "mean":
        how = "the mean of the answered items' ordinalValues"
    elif scoring.multiplier != 1:
        how = f"the sum of the {n} items' ordinalValues multiplied by {scoring.multiplier}"
    else:
        how = f"the sum of the {n} items' ordinalValues"
    parts = [
        f"Score: {how}, {scoring.min}-{scoring.max}, rounded half up to "
        f"{scoring.decimals} decimal place(s)."
    ]
    if instrument.reverse_items:
        parts.append(
            f"Items {_numbers(instrument.reverse_items)} are reverse-scored: each option's "
            "ordinalValue is its reversed (scored) value, while its code is the option as "
            "printed."
            if len(instrument.reverse_items) > 1
            else f"Item {instrument.reverse_items[0]} is reverse-scored: each option's "
            "ordinalValue is its reversed (scored) value, while its code is the option as "
            "printed."
        )
    else:
        parts.append("No item is reverse-scored.")
    if instrument.unscored_items:
        parts.append(
            f"Question {_numbers([q.number for q in instrument.unscored_items])} is on the "
            "authors' form but not scored; its options carry no ordinalValue."
        )
    parts.append(f"Missing answers: {instrument.missing.source}")
    if instrument.missing.rounding:
        parts.append(f"Rounding of a prorated total: {instrument.missing.rounding}")
    return " ".join(parts)


def questionnaire(
    instrument: Instrument | str, *, base_url: str = DEFAULT_BASE_URL
) -> dict[str, object]:
    """A FHIR R4 Questionnaire; each option's ordinalValue is its scored value."""
    instrument = _resolve(instrument)
    items: list[dict[str, object]] = [
        {"linkId": "instructions", "type": "display", "text": instrument.stem}
    ]
    for item in instrument.questions:
        options = []
        for option in item.options:
            answer_option: dict[str, object] = {
                "valueCoding": _coding(instrument, item, option.value, base_url)
            }
            if item.scored:
                answer_option["extension"] = _ordinal(item, option.value)
            options.append(answer_option)
        entry: dict[str, object] = {
            "linkId": _link_id(item),
            "text": item.text,
            "type": "choice",
            "required": False,
            "answerOption": options,
        }
        if item.reverse:
            entry["extension"] = [
                {"url": extension_url("reverse-scored", base_url), "valueBoolean": True}
            ]
        if not item.scored:
            entry["extension"] = [
                {"url": extension_url("unscored", base_url), "valueBoolean": True}
            ]
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

    description = [instrument.citation, scoring_description(instrument)]
    description += [f"Adapted: {adaptation}" for adaptation in instrument.adaptations]
    copyright_text = instrument.licence
    if uses_loinc(instrument):
        copyright_text = f"{copyright_text}\n\n{LOINC_NOTICE}"
    resource: dict[str, object] = {
        "resourceType": "Questionnaire",
        "id": _resource_id(instrument),
        "url": canonical_url(instrument, base_url),
        "name": instrument.id.upper(),
        "title": f"{instrument.name} ({instrument.short_name})",
        "status": "active",
        "subjectType": ["Patient"],
        "description": "\n\n".join(description),
        "copyright": copyright_text,
        "item": items,
    }
    if instrument.version:
        resource["version"] = instrument.version
    if instrument.loinc_panel:
        resource["code"] = [
            {"system": LOINC, "code": instrument.loinc_panel, "display": instrument.name}
        ]
    return resource


def code_systems(
    instrument: Instrument | str, *, base_url: str = DEFAULT_BASE_URL
) -> list[dict[str, object]]:
    """A CodeSystem for each option set that is not coded in LOINC, one per option set."""
    instrument = _resolve(instrument)
    resources: dict[str, dict[str, object]] = {}
    for item in instrument.questions:
        if all(option.loinc for option in item.options):
            continue
        url = option_system(instrument, item, base_url)
        if url in resources:
            continue
        resources[url] = {
            "resourceType": "CodeSystem",
            "id": url.rsplit("/", 1)[-1],
            "url": url,
            "name": url.rsplit("/", 1)[-1].replace("-", "_").upper(),
            "title": f"{instrument.short_name} answers: {item.option_set}",
            "status": "active",
            "content": "complete",
            "caseSensitive": True,
            "description": (
                "Codes are the option values as printed on the form, before any reverse "
                "scoring; the Questionnaire's ordinalValue carries the scored value."
            ),
            "copyright": instrument.licence,
            "concept": [{"code": str(o.value), "display": o.label} for o in item.options],
        }
    return list(resources.values())


def questionnaire_response(
    instrument: Instrument | str,
    answers: Sequence[int | None],
    *,
    authored: datetime,
    subject_reference: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
) -> dict[str, object]:
    """A completed FHIR R4 QuestionnaireResponse.

    ``answers`` has one value per scored item, optionally followed by the unscored
    questions. Missing answers are left out. The score is included as the ``total`` item
    when the instrument's missing-answer rule allows a score; invalid answers raise
    InvalidAnswers.
    """
    instrument = _resolve(instrument)
    if authored.tzinfo is None or authored.utcoffset() is None:
        raise ValueError("authored must be timezone-aware (FHIR dateTime needs an offset)")
    errors = _validate(instrument, answers)
    if errors:
        raise InvalidAnswers(instrument.id, errors)
    items: list[dict[str, object]] = []
    for item, value in zip(instrument.questions, answers, strict=False):
        if value is None:
            continue
        coding = _coding(instrument, item, value, base_url)
        if item.scored:
            coding = {"extension": _ordinal(item, value), **coding}
        items.append(
            {"linkId": _link_id(item), "text": item.text, "answer": [{"valueCoding": coding}]}
        )
    try:
        result = score(instrument.id, answers)
    except InvalidAnswers:
        result = None
    if result is not None:
        value_key = "valueInteger" if isinstance(result.score, int) else "valueDecimal"
        n_items = len(instrument.items)
        total: dict[str, object] = {
            "linkId": TOTAL_LINK_ID,
            "text": f"{instrument.short_name} score",
            "answer": [{value_key: result.score}],
        }
        if result.prorated:
            how = (
                "mean of the answered items"
                if instrument.scoring.method == "mean"
                else "prorated from the answered items"
            )
            total["text"] = (
                f"{instrument.short_name} score ({how}: {result.answered} of {n_items} answered)"
            )
            total["extension"] = [
                {"url": extension_url("score-prorated", base_url), "valueBoolean": True},
                {"url": extension_url("items-answered", base_url), "valueInteger": result.answered},
            ]
        items.append(total)
    resource: dict[str, object] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": canonical_url(instrument, base_url),
        "status": "completed",
        "authored": authored.isoformat(),
        "item": items,
    }
    if uses_loinc(instrument):
        # A QuestionnaireResponse has no copyright element; the notice travels as narrative.
        resource["text"] = {
            "status": "additional",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{escape(LOINC_NOTICE)}</p></div>',
        }
    if subject_reference:
        resource["subject"] = {"reference": subject_reference}
    return resource
