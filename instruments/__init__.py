"""Validated well-being screening instruments: definitions, scoring and FHIR R4 mapping.

Pure Python with no Django imports, so it can be used from management commands, tasks
and tests alike.
"""

from .engine import get_instrument, instrument_ids, score
from .errors import InvalidAnswers, UnknownInstrument
from .fhir import questionnaire, questionnaire_response
from .models import Band, Flag, Instrument, Item, MissingPolicy, Option, ScoreResult, Scoring

__all__ = [
    "Band",
    "Flag",
    "Instrument",
    "InvalidAnswers",
    "Item",
    "MissingPolicy",
    "Option",
    "ScoreResult",
    "Scoring",
    "UnknownInstrument",
    "get_instrument",
    "instrument_ids",
    "questionnaire",
    "questionnaire_response",
    "score",
]
