"""Hand-written answer vectors checked against the published sources, not generated from the
data files: each expected score, band and flag was worked out by hand from the cited rule.
If a data file drifts from its source, these fail even when the file is self-consistent
(test_boundaries.py checks the engine against the files)."""

import pytest

from instruments import InvalidAnswers, score

N = None

VECTORS = [
    # PHQ-9, Kroenke et al. 2001: items 0-3 summed; 5, 10, 15, 20 start mild, moderate,
    # moderately severe, severe. Pfizer instructions: any item 9 answer above 0 needs follow-up.
    ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "Minimal", ()),
    ("phq9", [1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "Minimal", ()),
    ("phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "Mild", ()),
    ("phq9", [2, 2, 2, 2, 1, 0, 0, 0, 0], 9, "Mild", ()),
    ("phq9", [2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "Moderate", ()),
    ("phq9", [3, 3, 3, 3, 2, 0, 0, 0, 0], 14, "Moderate", ()),
    ("phq9", [3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "Moderately severe", ()),
    ("phq9", [3, 3, 3, 3, 3, 3, 1, 0, 0], 19, "Moderately severe", ()),
    ("phq9", [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "Severe", ()),
    ("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "Severe", ("self_harm",)),
    ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1], 1, "Minimal", ("self_harm",)),
    # Question 10 (functional difficulty) is on the form but not in the score.
    ("phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0, 3], 5, "Mild", ()),
    # NHS Data Dictionary: one or two missing items take the mean of the others.
    ("phq9", [2, 2, 2, 2, 2, 2, 2, N, N], 18, "Moderately severe", ()),  # 14 x 9/7
    ("phq9", [1, 1, 1, 1, 0, 0, 0, 0, N], 5, "Mild", ()),  # 4 x 9/8 = 4.5, half up
    # GAD-7, Spitzer et al. 2006: items 0-3 summed; 5, 10, 15 start mild, moderate, severe.
    ("gad7", [0, 0, 0, 0, 0, 0, 0], 0, "Minimal", ()),
    ("gad7", [1, 1, 1, 1, 0, 0, 0], 4, "Minimal", ()),
    ("gad7", [1, 1, 1, 1, 1, 0, 0], 5, "Mild", ()),
    ("gad7", [2, 2, 2, 2, 1, 0, 0], 9, "Mild", ()),
    ("gad7", [2, 2, 2, 2, 2, 0, 0], 10, "Moderate", ()),
    ("gad7", [2, 2, 2, 2, 2, 2, 2], 14, "Moderate", ()),
    ("gad7", [3, 2, 2, 2, 2, 2, 2], 15, "Severe", ()),
    ("gad7", [3, 3, 3, 3, 3, 3, 3, 0], 21, "Severe", ()),
    # PHQ-2 (Kroenke 2003) and GAD-2 (Kroenke 2007): two items summed, 3 or more positive.
    ("phq2", [1, 1], 2, "Below screening threshold", ()),
    ("phq2", [2, 1], 3, "Positive screen", ("positive_screen",)),
    ("phq2", [3, 3], 6, "Positive screen", ("positive_screen",)),
    ("gad2", [0, 2], 2, "Below screening threshold", ()),
    ("gad2", [1, 2], 3, "Positive screen", ("positive_screen",)),
    # WHO-5, WHO 1998: raw 0-25 x 4; screen for depression when raw < 13 (<= 48) or any item
    # is 0 or 1. Topp et al. 2015: <= 50 poor well-being, <= 28 likely depression.
    ("who5", [2, 2, 2, 2, 0], 32, "Low well-being", ("screen_for_depression",)),
    ("who5", [3, 3, 2, 2, 2], 48, "Low well-being", ("screen_for_depression",)),
    ("who5", [5, 5, 5, 5, 1], 84, "Above the low range", ("screen_for_depression",)),
    ("who5", [3, 3, 3, 3, 1], 52, "Above the low range", ("screen_for_depression",)),
    ("who5", [3, 3, 3, 2, 2], 52, "Above the low range", ()),
    ("who5", [2, 2, 2, 2, 2], 40, "Low well-being", ("screen_for_depression",)),
    ("who5", [3, 3, 3, 2, 1], 48, "Low well-being", ("screen_for_depression",)),
    ("who5", [3, 3, 2, 2, 3], 52, "Above the low range", ()),
    (
        "who5",
        [2, 2, 1, 1, 1],
        28,
        "Very low well-being",
        ("screen_for_depression", "likely_depression"),
    ),
    ("who5", [5, 5, 5, 5, 5], 100, "Above the low range", ()),
    # PSS-10, Cohen et al. 1983: 0-4, items 4, 5, 7, 8 reversed (4 - x), summed.
    ("pss10", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 16, "Moderate stress", ()),
    ("pss10", [4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 24, "Moderate stress", ()),
    ("pss10", [3, 3, 3, 1, 1, 3, 1, 1, 3, 3], 30, "High stress", ()),
    ("pss10", [1, 1, 1, 3, 3, 1, 3, 3, 1, 1], 10, "Low stress", ()),
    ("pss10", [3, 3, 3, 4, 4, 2, 4, 4, 1, 1], 13, "Low stress", ()),
    ("pss10", [3, 3, 3, 3, 4, 2, 4, 4, 1, 1], 14, "Moderate stress", ()),
    ("pss10", [4, 4, 4, 1, 2, 4, 2, 4, 1, 2], 26, "Moderate stress", ()),
    ("pss10", [4, 4, 4, 1, 2, 4, 2, 4, 2, 2], 27, "High stress", ()),
    # PSS-4: items 2 and 3 reversed, summed 0-16, no bands.
    ("pss4", [2, 2, 2, 2], 8, None, ()),
    ("pss4", [4, 0, 0, 4], 16, None, ()),
    ("pss4", [0, 4, 4, 0], 0, None, ()),
    ("pss4", [1, 3, 3, 1], 4, None, ()),
    # UCLA-3, Hughes et al. 2004: 1-3 summed; grouping 3-5 / 6-9 (Campaign to End Loneliness).
    ("ucla3", [1, 1, 1], 3, "Less often lonely", ()),
    ("ucla3", [1, 2, 2], 5, "Less often lonely", ()),
    ("ucla3", [2, 2, 2], 6, "More often lonely", ()),
    ("ucla3", [3, 3, 3], 9, "More often lonely", ()),
    # BRS, Smith et al. 2008: items 2, 4, 6 reversed (6 - x), mean of answered; bands
    # 1.00-2.99 low, 3.00-4.30 normal, 4.31-5.00 high (Smith et al. 2013).
    ("brs", [5, 1, 5, 1, 5, 1], 5.0, "High resilience", ()),
    ("brs", [1, 5, 1, 5, 1, 5], 1.0, "Low resilience", ()),
    ("brs", [3, 3, 3, 3, 3, 3], 3.0, "Normal resilience", ()),
    ("brs", [3, 3, 3, 3, 3, 4], 2.83, "Low resilience", ()),  # 17 / 6
    ("brs", [3, 4, 3, 4, 3, 4], 2.5, "Low resilience", ()),
    ("brs", [4, 2, 4, 2, 4, 3], 3.83, "Normal resilience", ()),  # 23 / 6
    ("brs", [5, 2, 5, 2, 4, 3], 4.17, "Normal resilience", ()),  # 25 / 6
    ("brs", [5, 2, 5, 2, 5, 3], 4.33, "High resilience", ()),  # 26 / 6
    ("brs", [4, N, 4, 2, 4, 2], 4.0, "Normal resilience", ()),  # 20 / 5 answered
    # CBI personal, Kristensen et al. 2005: 100/75/50/25/0, mean of answered, >= 3 answered.
    ("cbi_personal", [50, 50, 50, 50, 50, 50], 50.0, "50 or above", ()),
    ("cbi_personal", [75, 50, 50, 25, 50, 25], 45.83, "Below 50", ()),  # 275 / 6
    ("cbi_personal", [25, 25, 25, 25, 25, 100], 37.5, "Below 50", ()),
    ("cbi_personal", [100, 100, 100, N, N, N], 100.0, "50 or above", ()),
    # CBI work-related: the leisure-energy item (4 here) reversed, >= 4 of 7 answered.
    ("cbi_work", [100, 100, 100, 0, 100, 100, 100], 100.0, "50 or above", ()),
    ("cbi_work", [0, 0, 0, 100, 0, 0, 0], 0.0, "Below 50", ()),
    ("cbi_work", [75, 50, 50, 75, 50, 25, 50], 46.43, "Below 50", ()),  # 325 / 7
    ("cbi_work", [100, 75, N, N, N, 50, 25], 62.5, "50 or above", ()),  # 250 / 4
    ("cbi_work", [50, 50, 50, 50, 50, 50, 50], 50.0, "50 or above", ()),
    # MLQ Presence, Steger et al. 2006: items 1, 4, 5, 6, 9 (9 reversed, 8 - x), summed.
    ("mlq_presence", [7, 7, 7, 7, 1], 35, None, ()),
    ("mlq_presence", [1, 1, 1, 1, 7], 5, None, ()),
    ("mlq_presence", [4, 4, 4, 4, 4], 20, None, ()),
    ("mlq_presence", [6, 5, 6, 5, 2], 28, None, ()),
]

UNSCORABLE = [
    # (instrument, answers, flags still read), each from the source's missing-answer rule.
    ("phq9", [2, 2, 2, 2, 2, 2, N, N, N], ()),  # NHS: more than two missing, disregard
    ("phq9", [N, N, N, 0, 0, 0, 0, 0, 2], ("self_harm",)),
    ("cbi_work", [100, 75, N, N, N, N, 25], ()),  # CBI: fewer than four answered
    ("cbi_personal", [100, 100, N, N, N, N], ()),  # CBI: fewer than three answered
    ("who5", [5, N, 5, 5, 1], ("screen_for_depression",)),  # WHO: any item 0 or 1
    ("gad7", [1, 1, 1, 1, 1, 1, N], ()),
]


@pytest.mark.parametrize(("instrument_id", "answers", "total", "band", "flags"), VECTORS)
def test_published_vector(instrument_id, answers, total, band, flags):
    result = score(instrument_id, answers)
    assert (result.score, result.band, result.flags) == (total, band, flags)


@pytest.mark.parametrize(("instrument_id", "answers", "flags"), UNSCORABLE)
def test_published_non_responder(instrument_id, answers, flags):
    with pytest.raises(InvalidAnswers) as info:
        score(instrument_id, answers)
    assert info.value.flags == flags
