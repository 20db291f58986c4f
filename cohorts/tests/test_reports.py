import csv
import io
import statistics

import pytest
from django.urls import reverse

from cohorts.change import IMPROVED, STAYED, WORSENED, paired_change
from cohorts.measures import HIGHER_IS_BETTER
from cohorts.services import member_key
from cohorts.statistics import wilson_interval
from conftest import make_cohort, with_totp

from .campaign_factories import answer, past_campaign
from .factories import enroll

pytestmark = pytest.mark.django_db
REPORT, CSV = reverse("cohort_report"), reverse("cohort_report_csv")


# The statistics, on a small example worked by hand


def test_twelve_students_eight_of_whom_improved():
    changes = [5] * 8 + [0] * 2 + [-4] * 2
    result = paired_change([(20 + i % 3, 20 + i % 3 + c) for i, c in enumerate(changes)],
                           better="higher", minimal=3)  # fmt: skip

    assert result.counts == {IMPROVED: 8, STAYED: 2, WORSENED: 2}
    # Wilson, z = 1.96, p = 8/12: centre (p + z²/2n) / (1 + z²/n) = 0.6263,
    # half-width z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n) = 0.2356.
    low, high = wilson_interval(share=8 / 12, n=12)
    assert (round(low, 3), round(high, 3)) == (0.391, 0.862)
    # Mean 32/12; SD sqrt(146.667/11) = 3.651; t(11) = 2.201; half-width 2.320.
    assert result.mean_change == pytest.approx(2.6667, abs=1e-4)
    assert result.sd_change == pytest.approx(3.6515, abs=1e-4)
    assert (result.ci_low, result.ci_high) == (
        pytest.approx(0.3466, abs=1e-3),
        pytest.approx(4.9868, abs=1e-3),
    )
    # d_z, kept under its own name: the standardized response mean.
    assert result.standardized_response_mean == pytest.approx(0.7303, abs=1e-4)


# The report page


def study(cohort, *, instrument="pss10", improved=20, stayed=10, worsened=10, only_before=1,
          only_after=0, size=12):  # fmt: skip
    """Students who answered the same screening at the start and at the end; starting scores
    vary, and "improved" is a change of `size` points in the instrument's better direction."""
    better = 1 if instrument in HIGHER_IS_BETTER else -1
    before = past_campaign(cohort, instrument=instrument, ended_days_ago=120)
    after = past_campaign(cohort, instrument=instrument, ended_days_ago=2)
    students = enroll(cohort, improved + stayed + worsened + only_before + only_after)
    changes = [better * size] * improved + [better] * stayed + [-better * size] * worsened
    for i, (student_id, change) in enumerate(zip(students, changes, strict=False)):
        answer(before, student_id, 14 + i % 5)
        answer(after, student_id, 14 + i % 5 + change)
    rest = students[len(changes) :]
    for student_id in rest[:only_before]:
        answer(before, student_id, 20)
    for student_id in rest[only_before:]:
        answer(after, student_id, 20)
    return before, after, students


def staff_client(client, staff):
    with_totp(staff)
    client.force_login(staff)
    return client


def test_staff_read_what_was_measured_with_its_intervals_and_nobody_in_it(client, staff, cohort):
    before, after, students = study(cohort)
    staff_client(client, staff)

    html = client.get(REPORT, {"before": before.pk, "after": after.pk}).content.decode()

    assert (
        f"Between {before.opens_on:%-d %b %Y} and {after.closes_on:%-d %b %Y}, 40 Class of 2028 "
        "students answered the PSS-10 (scored 0–40, lower is better) in both surveys. 50% (95% "
        "CI 35–65%) of them scored at least 11 points lower in the second survey (less stress), "
        "25% (95% CI 14–40%) at least 11 points higher (more stress) and 25% (95% CI 14–40%) "
        "changed by less than 11 points. The average change was -3.25 points (95% CI -6.45 to "
        "-0.05), an effect size d_av -0.56 (95% CI -1.11 to -0.01)."
    ) in html
    # SD of the changes 10.01, t(39) = 2.0227: -3.25 ± 3.20. d_av: the before and after SDs
    # (1.43 and 10.11) average 5.77, so -3.25 / 5.77 = -0.56; its interval is checked in
    # test_statistics.py.
    assert "reported" not in html.split('id="report-sentence"')[1].split("</p>")[0]
    for label in (
        "Improved: at least 11 points lower",
        "Stayed: changed by less than 11 points",
        "Worsened: at least 11 points higher",
    ):
        assert f'<th scope="row">{label}</th>' in html
    assert "Not available" not in html
    assert "@example.org" not in html
    assert member_key(students[0]) not in html


def test_the_effect_size_is_d_av_and_d_z_is_called_a_standardized_response_mean(
    client, staff, cohort
):
    before, after, _ = study(cohort)
    staff_client(client, staff)

    report = client.get(REPORT, {"before": before.pk, "after": after.pk}).context["report"]

    pairs = [(14 + i % 5, 14 + i % 5 + c) for i, c in enumerate([-12] * 20 + [-1] * 10 + [12] * 10)]
    changes = [a - b for b, a in pairs]
    average_sd = (statistics.stdev(b for b, _ in pairs) + statistics.stdev(a for _, a in pairs)) / 2
    d_av = report.effect_size.value
    assert d_av.value == pytest.approx(statistics.fmean(changes) / average_sd)
    assert d_av.low < d_av.value < d_av.high and d_av.n == 40
    assert report.response_mean.value == pytest.approx(
        statistics.fmean(changes) / statistics.stdev(changes)
    )


def test_the_report_says_what_it_cannot_tell_on_the_page_in_print_and_in_the_csv(
    client, staff, cohort
):
    before, after, _ = study(cohort, only_before=12, only_after=0)
    staff_client(client, staff)
    query = {"before": before.pk, "after": after.pk}

    html = client.get(REPORT, query).content.decode()
    rows = list(csv.reader(io.StringIO(client.get(CSV, query).text)))

    card = html.split('class="card report-body"')[1].split("</section>\n  <p")[0]
    for words in (
        "No comparison group",
        "Regression to the mean",
        "Who answered: 40 students "
        "answered both surveys, 12 only the first and fewer than 10 only the second",
    ):
        assert words in card  # inside the printed card, not in a no-print part
    assert '<th scope="row">Answered only the first survey</th><td>12</td>' in html
    assert 'Answered only the second survey</th><td class="suppressed">Not shown: fewer' in html
    figures = {row[0]: row[1:] for row in rows[1:]}
    assert figures["students_answered_both"][0] == "40"
    assert figures["students_answered_only_before"][0] == "12"
    assert figures["students_answered_only_after"] == ["", "", "", "", "fewer than 10 students"]
    assert figures["improvement_threshold_points"][0] == "11"
    caveats = [row[1] for row in rows if row[0].startswith("caveat_")]
    assert any(c.startswith("No comparison group") for c in caveats)
    assert any(c.startswith("Regression to the mean") for c in caveats)
    assert not any(f" {n} only the second" in c for c in caveats for n in range(1, 10))


def test_an_instrument_without_a_checked_threshold_gets_the_mean_change_only(client, staff, cohort):
    before, after, _ = study(cohort, instrument="mlq_presence", size=5)
    staff_client(client, staff)
    query = {"before": before.pk, "after": after.pk}

    html = client.get(REPORT, query).content.decode()
    rows = list(csv.reader(io.StringIO(client.get(CSV, query).text)))

    sentence = html.split('id="report-sentence">')[1].split("</p>")[0]
    assert sentence.startswith(
        f"Between {before.opens_on:%-d %b %Y} and {after.closes_on:%-d %b %Y}, 40 Class of 2028 "
        "students answered the MLQ-P (scored 5–35, higher is better) in both surveys. The "
        "average change was +1.50 points (95% CI"
    )
    assert "% of them" not in sentence and "improved" not in sentence
    assert "Improved: at least" not in html
    assert "No share who “improved” is shown" in html
    figures = {row[0] for row in rows}
    assert "share_improved" not in figures and "improvement_threshold_points" not in figures
    assert {"mean_change", "effect_size_d_av", "standardized_response_mean"} <= figures


def test_the_csv_holds_the_same_figures_and_no_identity(client, staff, cohort):
    before, after, students = study(cohort)
    staff_client(client, staff)

    response = client.get(CSV, {"before": before.pk, "after": after.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == ["figure", "value", "ci_low", "ci_high", "students", "not_shown_because"]
    figures = {row[0]: row[1:] for row in rows[1:]}
    assert figures["students_paired"][0] == "40"
    assert figures["share_improved"][:4] == ["0.5", "0.352", "0.648", "20"]
    assert figures["mean_change"][0] == "-3.25"  # (20 x -12 + 10 x -1 + 10 x 12) / 40
    assert figures["effect_size_d_av"][3] == "40"
    assert "effect_size_dz" not in figures
    body = response.content.decode()
    assert "@" not in body and member_key(students[0]) not in body


def test_fewer_than_k_pairs_show_no_number_at_all(client, staff, cohort):
    before, after, _ = study(cohort, improved=5, stayed=2, worsened=2)
    staff_client(client, staff)

    html = client.get(REPORT, {"before": before.pk, "after": after.pk}).content.decode()
    rows = list(
        csv.reader(io.StringIO(client.get(CSV, {"before": before.pk, "after": after.pk}).text))
    )

    assert "No finding can be stated: fewer than 10 students answered both surveys" in html
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "%" not in table and "<td>" not in table
    respondents = html.split("Who answered the two surveys")[1].split("</tbody>")[0]
    assert "<td>" not in respondents  # 9 both, 1 first only, 0 second only: all hidden
    figures = [row for row in rows[1:] if row[0] != "improvement_threshold_points"]
    assert all(row[1:5] == ["", "", "", ""] for row in figures if not row[0].startswith("caveat"))


def test_a_share_with_fewer_than_k_on_a_side_is_hidden_with_its_reason(client, staff, cohort):
    before, after, _ = study(cohort, improved=25, stayed=5, worsened=0)
    staff_client(client, staff)

    html = client.get(REPORT, {"before": before.pk, "after": after.pk}).content.decode()

    assert "The share who improved or stayed or worsened is not shown" in html
    assert "Not available: fewer than 10 students on one side of this share" in html
    assert "83%" not in html


def test_everyone_changing_by_the_same_amount_shows_no_mean_change(client, staff, cohort):
    before, after, _ = study(cohort, improved=30, stayed=0, worsened=0)
    staff_client(client, staff)

    html = client.get(REPORT, {"before": before.pk, "after": after.pk}).content.decode()

    assert "Not available: every student&#x27;s score changed by the same amount" in html
    assert "-12.0" not in html and "average change" not in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"instrument": "who5"}, "same screening"),
        ("open", "Both campaigns must have closed"),
        ("same", "two different campaigns"),
        ("other cohort", "same cohort"),
    ],
)
def test_campaigns_that_cannot_be_compared_say_why(client, staff, cohort, change, message):
    before, after, _ = study(cohort, improved=1, stayed=0, worsened=0, only_before=0)
    if change == "open":
        after.closes_on = after.closes_on.replace(year=after.closes_on.year + 1)
        after.save()
    elif change == "same":
        after = before
    elif change == "other cohort":
        after.cohort = make_cohort(cohort.school, 2030)
        after.save()
    else:
        after.instrument = "who5"
        after.save()
    staff_client(client, staff)

    response = client.get(REPORT, {"before": before.pk, "after": after.pk})

    assert message in response.content.decode()
    assert client.get(CSV, {"before": before.pk, "after": after.pk}).status_code == 404


@pytest.mark.parametrize("query", [{"before": "abc", "after": "1"}, {"before": "1"}, {"x": "1"}])
def test_tampered_queries_are_not_found(client, staff, cohort, query):
    study(cohort, improved=1, stayed=0, worsened=0, only_before=0)
    staff_client(client, staff)

    assert client.get(REPORT, query).status_code == 404
    assert client.get(CSV, query).status_code == 404


@pytest.mark.parametrize("url", [REPORT, CSV])
def test_every_role_on_the_report_routes(
    client, url, staff, other_staff, student, classmate, operator, cohort
):
    before, after, _ = study(cohort)
    query = {"before": before.pk, "after": after.pk}

    assert client.get(url, query).status_code == 302  # anonymous: to the login page
    with_totp(operator)
    for who in (student, classmate, operator):
        client.force_login(who)
        assert client.get(url, query).status_code == 403
    staff_client(client, other_staff)
    assert client.get(url, query).status_code == 404
    staff_client(client, staff)
    assert client.get(url, query).status_code == 200


def test_the_picker_names_screenings_and_offers_two_different_surveys(client, staff, cohort):
    """The walkthrough found the raw id (`phq9`) in the picker and the same survey chosen on
    both sides, so the first Compare answered "Choose two different campaigns"."""
    import re

    before, after, _students = study(cohort)
    staff_client(client, staff)

    html = client.get(REPORT).content.decode()

    chosen = re.findall(r'<option value="(\d+)" selected>([^<]*)</option>', html)
    assert [int(pk) for pk, _text in chosen] == [before.pk, after.pk]
    assert all(text.startswith("PSS-10 ·") for _pk, text in chosen), chosen
