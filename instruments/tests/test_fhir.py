from datetime import UTC, datetime
from fractions import Fraction

import pytest
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import given
from hypothesis import strategies as st

from instruments import (
    InvalidAnswers,
    get_instrument,
    instrument_ids,
    questionnaire,
    questionnaire_response,
)
from instruments.engine import _round
from instruments.fhir import LOINC_NOTICE, ORDINAL_VALUE, code_systems, extension_url

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
            for ext in option.get("extension", [])
            if ext["url"] == ORDINAL_VALUE
        ]
        if item.scored:
            assert ordinals == [item.scored_value(v) for v in item.values]
        else:
            assert ordinals == []
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
    assert coding["system"].endswith("/CodeSystem/who5-time")
    assert (coding["code"], coding["display"]) == ("5", "All of the time")


def _ordinals(resource):
    """The ordinalValue of every answer in a QuestionnaireResponse, by linkId."""
    found = {}
    for item in resource["item"]:
        for answer in item.get("answer", []):
            for ext in answer.get("valueCoding", {}).get("extension", []):
                if ext["url"] == ORDINAL_VALUE:
                    found[item["linkId"]] = ext["valueDecimal"]
    return found


def _total_from_ordinals(instrument_id, ordinals):
    """Combine ordinalValues as the Questionnaire's description says, independently of score()."""
    scoring = get_instrument(instrument_id).scoring
    values = list(ordinals.values())
    if scoring.method == "mean":
        raw = Fraction(sum(values), len(values))
    else:
        raw = Fraction(sum(values) * scoring.multiplier)
    return _round(raw, scoring.decimals)


@pytest.mark.parametrize("instrument_id", instrument_ids())
@given(data=st.data())
def test_ordinal_values_add_up_to_the_reported_total(instrument_id, data):
    instrument = get_instrument(instrument_id)
    answers = [data.draw(st.sampled_from(q.values)) for q in instrument.questions]
    resource = questionnaire_response(instrument_id, answers, authored=AUTHORED)
    QuestionnaireResponse.model_validate(resource)
    total = resource["item"][-1]["answer"][0]
    reported = total.get("valueInteger", total.get("valueDecimal"))
    ordinals = _ordinals(resource)
    assert set(ordinals) == {str(item.number) for item in instrument.items}
    assert _total_from_ordinals(instrument_id, ordinals) == reported
    if instrument.scoring.method == "sum" and instrument.scoring.multiplier == 1:
        assert sum(ordinals.values()) == reported


def test_a_reversed_answer_keeps_its_code_and_carries_its_scored_value():
    # PSS-10 item 4 "Never" is printed as 0 and scored 4.
    resource = questionnaire_response("pss10", [0] * 10, authored=AUTHORED)
    item4 = next(i for i in resource["item"] if i["linkId"] == "4")
    coding = item4["answer"][0]["valueCoding"]
    assert (coding["code"], coding["display"]) == ("0", "Never")
    assert coding["extension"] == [{"url": ORDINAL_VALUE, "valueDecimal": 4}]
    assert sum(_ordinals(resource).values()) == resource["item"][-1]["answer"][0]["valueInteger"]
    assert resource["item"][-1]["answer"][0]["valueInteger"] == 16


@pytest.mark.parametrize(
    ("instrument_id", "reversed_items"),
    [
        ("pss10", {4, 5, 7, 8}),
        ("pss4", {2, 3}),
        ("brs", {2, 4, 6}),
        ("mlq_presence", {5}),
        ("cbi_work", {4}),
        ("phq9", set()),
    ],
)
def test_the_questionnaire_says_which_items_are_reversed(instrument_id, reversed_items):
    resource = questionnaire(instrument_id)
    marked = {
        int(item["linkId"])
        for item in resource["item"]
        for ext in item.get("extension", [])
        if ext["url"] == extension_url("reverse-scored")
    }
    assert marked == reversed_items
    if reversed_items:
        assert "reverse-scored" in resource["description"]
    else:
        assert "No item is reverse-scored." in resource["description"]


def test_cbi_work_has_one_code_system_per_option_set():
    resource = questionnaire("cbi_work")
    displays = {}
    for item in resource["item"]:
        for option in item.get("answerOption", []):
            coding = option["valueCoding"]
            displays.setdefault((coding["system"], coding["code"]), set()).add(coding["display"])
    assert all(len(labels) == 1 for labels in displays.values())
    systems = {system for system, _ in displays}
    assert {s.rsplit("/", 1)[-1] for s in systems} == {"cbi-work-frequency", "cbi-work-degree"}
    resources = code_systems("cbi_work")
    assert {r["url"] for r in resources} == systems
    for code_system in resources:
        CodeSystem.model_validate(code_system)
        assert len({c["code"] for c in code_system["concept"]}) == 5


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_every_local_code_system_validates(instrument_id):
    for code_system in code_systems(instrument_id):
        CodeSystem.model_validate(code_system)


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_loinc_notice_wherever_loinc_codes_are_used(instrument_id):
    q = questionnaire(instrument_id)
    qr = questionnaire_response(instrument_id, _middle_answers(instrument_id), authored=AUTHORED)
    uses_loinc = "http://loinc.org" in str(q) or "http://loinc.org" in str(qr["item"])
    assert (LOINC_NOTICE in q["copyright"]) == uses_loinc
    assert ("Regenstrief" in str(qr.get("text", ""))) == uses_loinc
    assert uses_loinc == (instrument_id in {"phq9", "phq2", "gad7", "gad2"})


@pytest.mark.parametrize(
    ("instrument_id", "answers", "text"),
    [
        ("phq9", [2] * 7 + [None, None], "prorated from the answered items: 7 of 9 answered"),
        ("cbi_work", [50, 50, 50, 50, None, None, None], "mean of the answered items: 4 of 7"),
        ("brs", [4, None, 4, 2, 4, 2], "mean of the answered items: 5 of 6"),
    ],
)
def test_a_total_from_fewer_answers_than_items_is_marked(instrument_id, answers, text):
    resource = questionnaire_response(instrument_id, answers, authored=AUTHORED)
    QuestionnaireResponse.model_validate(resource)
    total = resource["item"][-1]
    assert text in total["text"]
    assert {"url": extension_url("score-prorated"), "valueBoolean": True} in total["extension"]
    complete = questionnaire_response(
        instrument_id, _middle_answers(instrument_id), authored=AUTHORED
    )
    assert "extension" not in complete["item"][-1]


@pytest.mark.parametrize("instrument_id", ["phq9", "gad7"])
def test_the_unscored_question_travels_without_an_ordinal_value(instrument_id):
    instrument = get_instrument(instrument_id)
    (difficulty,) = instrument.unscored_items
    q_item = next(
        i for i in questionnaire(instrument_id)["item"] if i["linkId"] == str(difficulty.number)
    )
    assert {"url": extension_url("unscored"), "valueBoolean": True} in q_item["extension"]
    assert all("extension" not in option for option in q_item["answerOption"])
    answers = [1] * len(instrument.items) + [3]
    resource = questionnaire_response(instrument_id, answers, authored=AUTHORED)
    QuestionnaireResponse.model_validate(resource)
    answer = next(i for i in resource["item"] if i["linkId"] == str(difficulty.number))["answer"]
    assert answer[0]["valueCoding"]["display"] == "Extremely difficult"
    assert "extension" not in answer[0]["valueCoding"]
    if instrument_id == "phq9":
        assert q_item["code"] == [{"system": "http://loinc.org", "code": "69722-7"}]
        assert answer[0]["valueCoding"]["code"] == "LA6574-3"
    else:
        assert "code" not in q_item
