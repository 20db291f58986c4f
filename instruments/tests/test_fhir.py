from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from instruments import (
    InvalidAnswers,
    get_instrument,
    instrument_ids,
    questionnaire,
    questionnaire_response,
)
from instruments.fhir import ORDINAL_VALUE

AUTHORED = datetime(2025, 1, 15, 9, 30, tzinfo=UTC)


def _middle_answers(instrument_id):
    return [item.values[len(item.values) // 2] for item in get_instrument(instrument_id).items]


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_questionnaire_validates_as_r4(instrument_id):
    resource = questionnaire(instrument_id)
    model = Questionnaire.model_validate(resource)
    instrument = get_instrument(instrument_id)
    assert model.status == "active"
    assert model.url.endswith(instrument_id.replace("_", "-"))
    questions = [item for item in resource["item"] if item["type"] == "choice"]
    assert [q["linkId"] for q in questions] == [str(i.number) for i in instrument.questions]
    for question, item in zip(questions, instrument.questions, strict=True):
        ordinals = [
            ext["valueDecimal"]
            for option in question["answerOption"]
            for ext in option["extension"]
            if ext["url"] == ORDINAL_VALUE
        ]
        assert ordinals == list(item.values)
        if item.loinc:
            assert question["code"] == [{"system": "http://loinc.org", "code": item.loinc}]


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_questionnaire_response_validates_as_r4(instrument_id):
    answers = _middle_answers(instrument_id)
    resource = questionnaire_response(
        instrument_id, answers, authored=AUTHORED, subject_reference="Patient/123"
    )
    model = QuestionnaireResponse.model_validate(resource)
    assert model.status == "completed"
    assert model.subject.reference == "Patient/123"
    assert resource["questionnaire"] == questionnaire(instrument_id)["url"]
    total = resource["item"][-1]
    assert total["linkId"] == "total"
    assert len(resource["item"]) == len(answers) + 1


def test_phq9_questionnaire_uses_loinc():
    resource = questionnaire("phq9")
    assert resource["code"][0]["code"] == "44249-1"
    assert resource["item"][-1]["code"][0]["code"] == "44261-6"
    first = resource["item"][1]["answerOption"][0]["valueCoding"]
    assert first == {"system": "http://loinc.org", "code": "LA6568-5", "display": "Not at all"}


def test_response_carries_score_and_omits_missing_answers():
    resource = questionnaire_response("phq9", [2] * 7 + [None, None], authored=AUTHORED)
    QuestionnaireResponse.model_validate(resource)
    link_ids = [item["linkId"] for item in resource["item"]]
    assert link_ids == ["1", "2", "3", "4", "5", "6", "7", "total"]
    assert resource["item"][-1]["answer"] == [{"valueInteger": 18}]
    assert "subject" not in resource


def test_response_without_score_when_too_many_missing():
    resource = questionnaire_response("who5", [3, None, 3, 3, 3], authored=AUTHORED)
    QuestionnaireResponse.model_validate(resource)
    assert all(item["linkId"] != "total" for item in resource["item"])


def test_response_decimal_score():
    resource = questionnaire_response("brs", [4, 2, 4, 2, 4, 3], authored=AUTHORED)
    assert resource["item"][-1]["answer"] == [{"valueDecimal": 3.83}]
    QuestionnaireResponse.model_validate(resource)


def test_response_rejects_invalid_answers_and_naive_datetimes():
    with pytest.raises(InvalidAnswers):
        questionnaire_response("gad7", [9] * 7, authored=AUTHORED)
    with pytest.raises(ValueError, match="timezone"):
        questionnaire_response("gad7", [1] * 7, authored=datetime(2025, 1, 15, 9, 30))


def test_local_answer_codes_for_instruments_without_loinc():
    coding = questionnaire("who5")["item"][1]["answerOption"][0]["valueCoding"]
    assert coding["system"].endswith("/CodeSystem/who5-answers")
    assert (coding["code"], coding["display"]) == ("5", "All of the time")
