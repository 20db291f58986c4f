"""Headlines on the staff landing page, top- and bottom-coding of participation, and the
reference figures: arithmetic on published figures only."""

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from cohorts.headlines import (
    MIN_WEEKS,
    Interval,
    comparison_words,
    participation_words,
    reference_figures,
    share_in_bands,
    term_figure,
    welch_difference,
)
from cohorts.measures import measure
from cohorts.models import PublishedTable
from cohorts.publishing import publish_week
from cohorts.suppression import ABOVE, BELOW, participation_bound
from conftest import with_totp

from .factories import add_all, checkin_observations, enroll, weeks_ago

K = 10


# ---------------------------------------------------------------------------------------------
# Top- and bottom-coding


def test_fewer_than_k_absent_reads_more_than_a_bound_from_enrolled_and_k_only():
    assert participation_bound(active=60, enrolled=66, k=K) == (ABOVE, 84)  # 56/66 = 84.8%
    assert participation_bound(active=66, enrolled=66, k=K) == (ABOVE, 84)
    assert participation_bound(active=100, enrolled=100, k=K) == (ABOVE, 90)


def test_fewer_than_k_present_reads_fewer_than_k_students():
    assert participation_bound(active=3, enrolled=40, k=K) == (BELOW, K)
    assert participation_bound(active=0, enrolled=40, k=K) == (BELOW, K)


def test_no_bound_when_the_rate_is_shown_or_both_sides_could_be_small():
    assert participation_bound(active=20, enrolled=40, k=K) is None
    assert participation_bound(active=15, enrolled=19, k=K) is None  # 19 < 2k


@pytest.mark.parametrize("k", [10, 12])
def test_an_adversary_differencing_with_the_bound_recovers_no_count(k):
    """Everything published for a week's participation is (enrolled, exact rate or bound).
    For every denominator and every true count, the counts an adversary cannot tell apart
    from the truth are at least k, and the bound holds: subtracting the bound from the
    published denominator, or two bounds of the same denominator, pins no count."""
    for enrolled in range(2 * k, 151):
        published = {}
        for active in range(enrolled + 1):
            exact = k <= active and enrolled - active >= k
            published[active] = (
                ("exact", active)
                if exact
                else participation_bound(active=active, enrolled=enrolled, k=k)
            )
        for active, shown in published.items():
            if shown[0] == "exact":
                continue
            alike = [a for a, s in published.items() if s == shown]
            assert len(alike) >= k, (enrolled, active, shown)
            side, figure = shown
            if side == ABOVE:
                assert active / enrolled > figure / 100  # honest
                # The bound's own implied count is not a count: it is below every possible one.
                implied = enrolled * figure // 100
                assert implied < min(alike)
            else:
                assert active < figure
            # What is not checked in / checked in is a group of fewer than k, never one number.
            assert max(alike) - min(alike) == k - 1


def test_a_published_week_stores_the_bound_but_never_the_hidden_count(cohort):
    rng = random.Random(2)
    ids = enroll(cohort, 30)
    day = weeks_ago(cohort, 3)
    for student in ids[:25]:
        add_all(checkin_observations(cohort, student, day, None, rng))
    week = day - timedelta(days=day.weekday())
    publish_week(cohort.school, week)
    cells = PublishedTable.objects.get(cohort=cohort, table="checkin", week=week).cells
    assert cells["cohort"]["bound"] == [ABOVE, 66]  # 20/30
    assert set(cells["cohort"]) == {"why", "bound"}
    assert "25" not in str(cells["cohort"])


# ---------------------------------------------------------------------------------------------
# Term arithmetic


def test_a_term_needs_enough_published_weeks():
    assert term_figure([(3.0, 20)] * (MIN_WEEKS - 1)) is None
    figure = term_figure([(3.0, 20), (3.2, 25), (2.8, 22), (3.0, 30)])
    assert figure.weeks == 4 and (figure.fewest, figure.most) == (20, 30)
    assert figure.estimate.low < 3.0 < figure.estimate.high


def test_a_clear_rise_is_larger_than_chance_and_a_wobble_is_not():
    rise = welch_difference([3.6, 3.7, 3.8, 3.6, 3.7], [3.0, 3.1, 2.9, 3.0, 3.1])
    assert rise.excludes_zero and rise.value > 0
    wobble = welch_difference([3.0, 3.2, 2.9, 3.1], [3.1, 2.9, 3.0, 3.2])
    assert not wobble.excludes_zero
    assert welch_difference([3.0] * 3, [3.0] * 5) is None


def test_the_words_say_direction_chance_and_better_or_worse():
    stress = measure("stress")
    words = comparison_words(stress, Interval(0.4, 0.2, 0.6))
    assert words == (
        "Stress is higher than last term (worse); the difference is larger than chance would "
        "explain."
    )
    assert comparison_words(stress, Interval(0.1, -0.1, 0.3)).startswith("No clear difference")
    assert "(better)" in comparison_words(measure("mood"), Interval(0.4, 0.2, 0.6))


def test_term_participation_uses_only_published_rates_and_bounds():
    exact = {"n": 40, "num": 30, "comp": 10, "est": [0.75, 0.6, 0.86, 30]}
    above = {"why": "x", "bound": [ABOVE, 84]}
    below = {"why": "x", "bound": [BELOW, 10]}
    assert participation_words([exact] * 4, k=K).words.startswith("75% on average")
    mixed = participation_words([exact, above, above, exact], k=K).words
    assert mixed.startswith("More than 79% on average over 4 weeks")  # (75+84+84+75)/4
    assert "fewer than 10 students checked in" in participation_words([exact, below], k=K).words
    assert participation_words([], k=K).weeks == 0


def test_the_reference_share_is_summed_or_complemented_from_shown_bands_only():
    reference = next(r for r in reference_figures() if r.measure == "screen:phq9")
    phq9 = measure("screen:phq9")
    shown = {"est": [0.3, 0, 1, 12]}
    cells = {"Minimal": shown, "Mild": {"est": [0.4, 0, 1, 16]}, "Moderate": {"why": "x"}}
    assert share_in_bands(cells, reference, phq9) == pytest.approx(0.3)
    assert share_in_bands({"Minimal": shown, "Mild": {"why": "x"}}, reference, phq9) is None


def test_every_reference_figure_cites_its_source_and_names_real_bands():
    figures = reference_figures()
    assert {f.key for f in figures} >= {"depression_rotenstein_2016", "burnout_dyrbye_2008"}
    for figure in figures:
        assert figure.citation and figure.note
    depression = next(f for f in figures if f.key == "depression_rotenstein_2016")
    assert (depression.value, depression.low, depression.high) == (27.2, 24.7, 29.9)


# ---------------------------------------------------------------------------------------------
# The page


@pytest.fixture
def two_terms(cohort):
    """14 students checking in weekly for 5 weeks of each term; stress is higher this term."""
    rng = random.Random(7)
    ids = enroll(cohort, 24)
    for weeks in (*range(2, 7), *range(14, 19)):
        day = weeks_ago(cohort, weeks)
        for student in ids[:14]:
            stress = float(rng.choice([4, 5]) if weeks < 12 else rng.choice([1, 2]))
            observations = checkin_observations(cohort, student, day, None, rng)
            add_all(replace(o, value=stress) if o.measure == "stress" else o for o in observations)
    return cohort


def test_staff_land_on_headlines_with_plain_words(client, staff, two_terms):
    with_totp(staff)
    client.force_login(staff)
    page = client.get("/").content.decode()
    assert "this term against last term" in page
    assert "Stress is higher than last term (worse)" in page
    assert "students a week" in page
    assert "External reference (published study, not this school)" in page
    assert "Rotenstein" in page
    assert "@example.org" not in page


def test_headlines_need_a_second_factor(client, staff, two_terms):
    client.force_login(staff)
    response = client.get("/", follow=True)
    assert "Stress is higher" not in response.content.decode()


def test_a_cohort_without_published_weeks_says_so(client, staff, cohort):
    with_totp(staff)
    client.force_login(staff)
    page = client.get("/").content.decode()
    assert "No published figures for this cohort" in page


def test_the_dashboard_shows_a_top_coded_participation(client, staff, cohort):
    rng = random.Random(4)
    ids = enroll(cohort, 30)
    for student in ids[:25]:
        add_all(checkin_observations(cohort, student, weeks_ago(cohort, 2), None, rng))
    with_totp(staff)
    client.force_login(staff)
    page = client.get("/school/").content.decode()
    assert "More than 66%" in page
    assert "25 of" not in page
