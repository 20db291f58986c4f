import json

import pytest

from instruments import InvalidAnswers, UnknownInstrument, get_instrument, instrument_ids, score
from instruments.tests.helpers import answers_for_total

PHQ9_BANDS = [
    (0, "Minimal"),
    (4, "Minimal"),
    (5, "Mild"),
    (9, "Mild"),
    (10, "Moderate"),
    (14, "Moderate"),
    (15, "Moderately severe"),
    (19, "Moderately severe"),
    (20, "Severe"),
    (27, "Severe"),
]

GAD7_BANDS = [
    (0, "Minimal"),
    (4, "Minimal"),
    (5, "Mild"),
    (9, "Mild"),
    (10, "Moderate"),
    (14, "Moderate"),
    (15, "Severe"),
    (21, "Severe"),
]


def test_instrument_ids():
    assert instrument_ids() == [
        "brs",
        "cbi_personal",
        "cbi_work",
        "gad2",
        "gad7",
        "mlq_presence",
        "phq2",
        "phq9",
        "pss10",
        "pss4",
        "ucla3",
        "who5",
    ]


def test_unknown_instrument_lists_valid_ids():
    with pytest.raises(UnknownInstrument) as info:
        get_instrument("mbi")
    assert isinstance(info.value, KeyError)
    message = str(info.value)
    assert "'mbi'" in message and "phq9" in message and "who5" in message
    with pytest.raises(UnknownInstrument):
        score("nope", [1])


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_phq9_band_boundaries(total, band):
    answers = answers_for_total("phq9", total)
    result = score("phq9", answers)
    assert result.score == total
    assert result.band == band
    assert result.band_meaning
    assert not result.prorated
    assert result.answered == 9


def test_phq9_item9_flags_self_harm():
    assert score("phq9", [0] * 8 + [1]).flags == ("self_harm",)
    assert score("phq9", [0] * 8 + [3]).flags == ("self_harm",)
    assert score("phq9", [3] * 8 + [0]).flags == ()


def test_phq9_self_harm_survives_unscorable_answers():
    with pytest.raises(InvalidAnswers) as info:
        score("phq9", [None, None, None, 0, 0, 0, 0, 0, 2])
    assert info.value.flags == ("self_harm",)
    assert "answers" in info.value.errors
    with pytest.raises(InvalidAnswers) as info:
        score("phq9", [7, 0, 0, 0, 0, 0, 0, 0, 1])
    assert info.value.flags == ("self_harm",)
    assert set(info.value.errors) == {0}


def test_phq9_prorates_one_or_two_missing():
    result = score("phq9", [2, 2, 2, 2, 2, 2, 2, None, None])
    assert (result.score, result.prorated, result.answered) == (18, True, 7)
    result = score("phq9", [1] * 8 + [None])
    assert (result.score, result.prorated) == (9, True)
    # 4 * 9 / 8 = 4.5 rounds half up to 5 (Mild), not to the banker's 4.
    result = score("phq9", [1, 1, 1, 1, 0, 0, 0, 0, None])
    assert (result.score, result.band) == (5, "Mild")


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # Every x.5 a prorated PHQ-9 can reach rounds up (the rule in phq9.toml).
        ([1, 1, 1, 1, 0, 0, 0, 0, None], 5),  # 4 * 9 / 8 = 4.5
        ([3, 3, 3, 3, 0, 0, 0, 0, None], 14),  # 12 * 9 / 8 = 13.5
        ([3, 3, 3, 3, 3, 3, 1, 1, None], 23),  # 20 * 9 / 8 = 22.5
        # Below .5 rounds down, above rounds up.
        ([1, 0, 0, 0, 0, 0, 0, 0, None], 1),  # 9 / 8 = 1.125
        ([1, 1, 1, 0, 0, 0, 0, None, None], 4),  # 3 * 9 / 7 = 3.857
        ([1, 1, 0, 0, 0, 0, 0, None, None], 3),  # 2 * 9 / 7 = 2.571
    ],
)
def test_phq9_prorated_rounding(answers, expected):
    result = score("phq9", answers)
    assert (result.score, result.prorated) == (expected, True)


def test_phq9_refuses_three_missing():
    with pytest.raises(InvalidAnswers) as info:
        score("phq9", [1, 1, 1, 1, 1, 1, None, None, None])
    assert "at most 2" in info.value.errors["answers"]


@pytest.mark.parametrize(("total", "band"), GAD7_BANDS)
def test_gad7_band_boundaries(total, band):
    result = score("gad7", answers_for_total("gad7", total))
    assert (result.score, result.band) == (total, band)


def test_gad7_refuses_missing():
    with pytest.raises(InvalidAnswers):
        score("gad7", [1, 1, 1, 1, 1, 1, None])


@pytest.mark.parametrize("instrument_id", ["phq2", "gad2"])
def test_two_item_screeners(instrument_id):
    assert score(instrument_id, [1, 1]).flags == ()
    assert score(instrument_id, [1, 1]).band == "Below screening threshold"
    assert score(instrument_id, [2, 1]).flags == ("positive_screen",)
    assert score(instrument_id, [2, 1]).band == "Positive screen"
    assert score(instrument_id, [3, 3]).score == 6
    with pytest.raises(InvalidAnswers):
        score(instrument_id, [3, None])


def test_short_forms_reuse_the_long_form_items():
    phq9, gad7, pss10 = get_instrument("phq9"), get_instrument("gad7"), get_instrument("pss10")
    assert get_instrument("phq2").items == phq9.items[:2]
    assert get_instrument("gad2").items == gad7.items[:2]
    pss4_texts = [item.text for item in get_instrument("pss4").items]
    assert pss4_texts == [pss10.items[n - 1].text for n in (2, 4, 5, 10)]


def test_who5_raw_times_four():
    result = score("who5", [3, 3, 3, 2, 2])
    assert result.score == 52
    assert result.band == "Above the low range"
    assert result.flags == ()
    assert score("who5", [5] * 5).score == 100
    assert score("who5", [0] * 5).score == 0


def test_who5_cut_offs():
    at_28 = score("who5", [2, 2, 1, 1, 1])
    assert (at_28.score, at_28.band, at_28.flags) == (
        28,
        "Very low well-being",
        ("screen_for_depression", "likely_depression"),
    )
    at_32 = score("who5", [2, 2, 2, 2, 0])
    assert (at_32.score, at_32.band, at_32.flags) == (
        32,
        "Low well-being",
        ("screen_for_depression",),
    )
    at_48 = score("who5", [3, 3, 2, 2, 2])
    assert (at_48.score, at_48.band, at_48.flags) == (
        48,
        "Low well-being",
        ("screen_for_depression",),
    )
    at_52 = score("who5", [3, 3, 3, 2, 2])
    assert (at_52.score, at_52.flags) == (52, ())


def test_who5_any_item_at_0_or_1_screens_even_with_a_high_score():
    assert score("who5", [5, 5, 5, 5, 1]).flags == ("screen_for_depression",)
    assert score("who5", [0, 5, 5, 5, 5]).flags == ("screen_for_depression",)
    assert score("who5", [2, 5, 5, 5, 5]).flags == ()
    with pytest.raises(InvalidAnswers) as info:
        score("who5", [5, None, 5, 5, 1])
    assert info.value.flags == ("screen_for_depression",)


def test_pss10_reverse_scoring():
    # All 'Never': the four positive items (4, 5, 7, 8) reverse to 4 each.
    assert score("pss10", [0] * 10).score == 16
    assert score("pss10", [4] * 10).score == 24
    result = score("pss10", [3, 3, 3, 1, 1, 3, 1, 1, 3, 3])
    assert (result.score, result.band) == (30, "High stress")
    assert score("pss10", [0, 0, 0, 4, 4, 0, 4, 4, 0, 0]).score == 0
    assert score("pss10", [4, 4, 4, 0, 0, 4, 0, 0, 4, 4]).score == 40


def test_pss10_band_boundaries():
    positive = [4, 5, 7, 8]
    for total, band in [
        (13, "Low stress"),
        (14, "Moderate stress"),
        (26, "Moderate stress"),
        (27, "High stress"),
    ]:
        answers = [0, 0, 0, 4, 4, 0, 4, 4, 0, 0]
        remaining = total
        for index in range(10):
            step = min(4, remaining)
            if index + 1 in positive:
                answers[index] = 4 - step
            else:
                answers[index] = step
            remaining -= step
        result = score("pss10", answers)
        assert (result.score, result.band) == (total, band)


def test_pss4_reverse_scoring_and_no_band():
    assert score("pss4", [2, 2, 2, 2]).score == 8
    assert score("pss4", [4, 0, 0, 4]).score == 16
    assert score("pss4", [0, 4, 4, 0]).score == 0
    assert score("pss4", [2, 2, 2, 2]).band is None


def test_ucla3():
    assert score("ucla3", [1, 1, 1]).score == 3
    assert score("ucla3", [1, 2, 2]).band == "Less often lonely"
    assert score("ucla3", [2, 2, 2]).band == "More often lonely"
    assert score("ucla3", [3, 3, 3]).score == 9
    with pytest.raises(InvalidAnswers):
        score("ucla3", [0, 1, 1])


def test_brs_mean_and_bands():
    assert score("brs", [5, 1, 5, 1, 5, 1]).score == 5.0
    assert score("brs", [1, 5, 1, 5, 1, 5]).score == 1.0
    result = score("brs", [4, 2, 4, 2, 4, 3])
    assert (result.score, result.band) == (3.83, "Normal resilience")
    assert score("brs", [3] * 6).band == "Normal resilience"
    assert score("brs", [3, 4, 3, 4, 3, 4]).band == "Low resilience"  # mean 2.5
    high = score("brs", [5, 2, 5, 2, 5, 3])  # 26 / 6 = 4.33
    assert (high.score, high.band) == (4.33, "High resilience")


def test_brs_divides_by_number_answered():
    result = score("brs", [4, None, 4, 2, 4, 2])
    assert (result.score, result.answered, result.prorated) == (4.0, 5, True)
    assert score("brs", [4, None, None, 2, 4, 2]).score == 4.0
    with pytest.raises(InvalidAnswers):
        score("brs", [4, None, None, None, 4, 2])


def test_cbi_personal_mean_of_option_values():
    result = score("cbi_personal", [50] * 6)
    assert (result.score, result.band) == (50.0, "50 or above")
    result = score("cbi_personal", [75, 50, 50, 25, 50, 25])
    assert (result.score, result.band) == (45.83, "Below 50")
    assert score("cbi_personal", [100, 100, 100, None, None, None]).score == 100.0
    with pytest.raises(InvalidAnswers):
        score("cbi_personal", [100, 100, None, None, None, None])
    with pytest.raises(InvalidAnswers) as info:
        score("cbi_personal", [30, 50, 50, 50, 50, 50])
    assert (
        "0, 25, 50, 75, 100" in info.value.errors[0] or "100, 75, 50, 25, 0" in info.value.errors[0]
    )


def test_cbi_work_reverses_leisure_energy_item():
    assert score("cbi_work", [100, 100, 100, 0, 100, 100, 100]).score == 100.0
    assert score("cbi_work", [0, 0, 0, 100, 0, 0, 0]).score == 0.0
    assert score("cbi_work", [75, 50, 50, 75, 50, 25, 50]).score == 46.43
    instrument = get_instrument("cbi_work")
    assert instrument.reverse_items == (4,)
    assert instrument.items[4].options[0].label == "To a very high degree"


def test_cbi_work_needs_four_of_seven_answers():
    # "If less than four questions have been answered, the respondent is classified as
    # non-responder" (CBI, PUMA study version).
    four = score("cbi_work", [100, 75, None, None, None, 50, 25])
    assert (four.score, four.answered, four.prorated) == (62.5, 4, True)
    with pytest.raises(InvalidAnswers) as info:
        score("cbi_work", [100, 75, None, None, None, None, 25])
    assert "at most 3 of 7" in info.value.errors["answers"]


def test_mlq_presence_reverse_item_9():
    assert score("mlq_presence", [7, 7, 7, 7, 1]).score == 35
    assert score("mlq_presence", [1, 1, 1, 1, 7]).score == 5
    assert score("mlq_presence", [4, 4, 4, 4, 4]).score == 20
    assert score("mlq_presence", [6, 5, 6, 5, 2]).band is None


@pytest.mark.parametrize(
    ("answers", "key", "fragment"),
    [
        ([1] * 8, "answers", "has 9 items, but 8 answers"),
        ([1] * 11, "answers", "has 9 items, but 11 answers were given (10 with the unscored"),
        ("111111111", "answers", "must be a list"),
        (None, "answers", "must be a list"),
        ([4, 0, 0, 0, 0, 0, 0, 0, 0], 0, "one of 0, 1, 2, 3; got 4"),
        ([0, -1, 0, 0, 0, 0, 0, 0, 0], 1, "got -1"),
        ([0, 0, 1.5, 0, 0, 0, 0, 0, 0], 2, "whole number"),
        ([0, 0, 0, "2", 0, 0, 0, 0, 0], 3, "whole number"),
        ([0, 0, 0, 0, True, 0, 0, 0, 0], 4, "whole number"),
        ([0, 0, 0, 0, 0, 1.0, 0, 0, 0], 5, "whole number"),
    ],
)
def test_invalid_answers(answers, key, fragment):
    with pytest.raises(InvalidAnswers) as info:
        score("phq9", answers)
    assert isinstance(info.value, ValueError)
    assert key in info.value.errors
    assert fragment in info.value.errors[key]
    assert "Cannot score phq9" in str(info.value)


@pytest.mark.parametrize(("instrument_id", "n_items"), [("phq9", 9), ("gad7", 7)])
def test_the_difficulty_question_is_validated_but_never_scored(instrument_id, n_items):
    instrument = get_instrument(instrument_id)
    (difficulty,) = instrument.unscored_items
    assert difficulty.number == n_items + 1 and not difficulty.scored
    assert difficulty.text.startswith("If you checked off any problems, how difficult")
    assert [o.label for o in difficulty.options] == [
        "Not difficult at all",
        "Somewhat difficult",
        "Very difficult",
        "Extremely difficult",
    ]
    without = score(instrument_id, [2] * n_items)
    for answer in (0, 3, None):
        with_it = score(instrument_id, [2] * n_items + [answer])
        assert (with_it.score, with_it.answered, with_it.prorated) == (
            without.score,
            n_items,
            False,
        )
    with pytest.raises(InvalidAnswers) as info:
        score(instrument_id, [2] * n_items + [4])
    assert set(info.value.errors) == {n_items}


def test_all_errors_are_reported_at_once():
    with pytest.raises(InvalidAnswers) as info:
        score("gad7", [9, 0, 9, 0, 0, 0, 0.5])
    assert set(info.value.errors) == {0, 2, 6}
    assert "item 1:" in str(info.value) and "item 7:" in str(info.value)


def test_refusal_message_names_the_instrument():
    with pytest.raises(InvalidAnswers) as info:
        score("who5", [3, 3, None, 3, 3])
    assert info.value.errors == {"answers": "all 5 items of WHO-5 must be answered (1 missing)"}


def test_to_dict_is_json_ready():
    result = score("phq9", [0] * 8 + [1])
    assert result.to_dict() == {
        "instrument": "phq9",
        "score": 1,
        "band": "Minimal",
        "flags": ["self_harm"],
    }
    json.dumps(score("brs", [3] * 6).to_dict())
    assert score("pss4", [1, 1, 1, 1]).to_dict()["band"] is None
