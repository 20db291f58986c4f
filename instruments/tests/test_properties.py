from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instruments import InvalidAnswers, get_instrument, instrument_ids, score
from instruments.tests.helpers import flip

IDS = instrument_ids()


@st.composite
def complete_answers(draw, instrument_id):
    instrument = get_instrument(instrument_id)
    return [draw(st.sampled_from(item.values)) for item in instrument.items]


@st.composite
def answers_with_gaps(draw, instrument_id):
    answers = draw(complete_answers(instrument_id))
    return [draw(st.one_of(st.none(), st.just(value))) for value in answers]


def _tolerance(instrument_id):
    return 10 ** -get_instrument(instrument_id).scoring.decimals


@pytest.mark.parametrize("instrument_id", IDS)
@given(data=st.data())
def test_score_within_range_and_band_matches(instrument_id, data):
    instrument = get_instrument(instrument_id)
    result = score(instrument_id, data.draw(complete_answers(instrument_id)))
    assert instrument.scoring.min <= result.score <= instrument.scoring.max
    band = instrument.band_for(result.score)
    if instrument.bands:
        assert band is not None and band.contains(result.score)
        assert (result.band, result.band_meaning) == (band.label, band.meaning)
    else:
        assert result.band is None and result.band_meaning is None


@pytest.mark.parametrize("instrument_id", IDS)
@given(data=st.data())
def test_missing_answers_follow_the_rule(instrument_id, data):
    instrument = get_instrument(instrument_id)
    answers = data.draw(answers_with_gaps(instrument_id))
    missing = answers.count(None)
    if missing > instrument.missing.max_missing:
        with pytest.raises(InvalidAnswers) as info:
            score(instrument_id, answers)
        assert "answers" in info.value.errors
        return
    result = score(instrument_id, answers)
    assert instrument.scoring.min <= result.score <= instrument.scoring.max
    assert result.answered == len(answers) - missing
    assert result.prorated == (missing > 0)
    if instrument.bands:
        assert result.band is not None


@pytest.mark.parametrize("instrument_id", IDS)
@given(data=st.data())
def test_monotonic_in_each_item(instrument_id, data):
    instrument = get_instrument(instrument_id)
    answers = data.draw(complete_answers(instrument_id))
    index = data.draw(st.integers(0, len(answers) - 1))
    item = instrument.items[index]
    higher = [v for v in item.values if v > answers[index]]
    if not higher:
        return
    raised = list(answers)
    raised[index] = data.draw(st.sampled_from(higher))
    before, after = score(instrument_id, answers).score, score(instrument_id, raised).score
    if item.reverse:
        assert after <= before
    else:
        assert after >= before


@pytest.mark.parametrize("instrument_id", IDS)
@given(data=st.data())
def test_flipping_every_item_mirrors_the_score(instrument_id, data):
    instrument = get_instrument(instrument_id)
    answers = data.draw(complete_answers(instrument_id))
    every_item = tuple(item.number for item in instrument.items)
    mirrored = score(instrument_id, flip(instrument_id, answers, every_item)).score
    expected = instrument.scoring.min + instrument.scoring.max - score(instrument_id, answers).score
    assert abs(mirrored - expected) <= _tolerance(instrument_id)


@pytest.mark.parametrize("instrument_id", [i for i in IDS if get_instrument(i).reverse_items])
@given(data=st.data())
def test_flipping_reverse_items_shifts_score_by_their_reversal(instrument_id, data):
    instrument = get_instrument(instrument_id)
    answers = data.draw(complete_answers(instrument_id))
    flipped = flip(instrument_id, answers, instrument.reverse_items)
    # After flipping, each reversed item contributes its original raw value v instead of
    # (min + max - v), so the raw total moves by the sum of (2v - min - max).
    shift = Fraction(0)
    for number in instrument.reverse_items:
        values = instrument.items[number - 1].values
        shift += 2 * answers[number - 1] - min(values) - max(values)
    if instrument.scoring.method == "mean":
        shift /= len(instrument.items)
    else:
        shift *= instrument.scoring.multiplier
    before, after = score(instrument_id, answers).score, score(instrument_id, flipped).score
    assert abs(after - before - float(shift)) <= _tolerance(instrument_id)


@settings(max_examples=300)
@given(
    answers=st.lists(
        st.one_of(st.none(), st.integers(-2, 5), st.floats(allow_nan=False)),
        min_size=9,
        max_size=9,
    ),
    item9=st.sampled_from([1, 2, 3]),
)
def test_phq9_item9_always_flags_self_harm(answers, item9):
    answers[8] = item9
    try:
        flags = score("phq9", answers).flags
    except InvalidAnswers as error:
        flags = error.flags
    assert "self_harm" in flags


@given(answers=st.lists(st.integers(0, 3), min_size=8, max_size=8))
def test_phq9_no_self_harm_flag_when_item9_is_zero(answers):
    assert "self_harm" not in score("phq9", answers + [0]).flags
