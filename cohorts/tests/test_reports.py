import csv
import io

import pytest
from django.urls import reverse

from cohorts.change import IMPROVED, STAYED, WORSENED, classify, paired_change
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
    result = paired_change([(20, 20 + c) for c in changes], better="higher", minimal=3)

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
    assert result.effect_size == pytest.approx(0.7303, abs=1e-4)


def test_improved_follows_the_instruments_better_direction():
    assert classify(-5, better="lower", minimal=5) == IMPROVED  # PHQ-9 down 5: fewer symptoms
    assert classify(5, better="lower", minimal=5) == WORSENED
    assert classify(4.9, better="lower", minimal=5) == STAYED
    assert classify(3, better="higher", minimal=3) == IMPROVED


# The report page


def study(cohort, *, improved=20, stayed=10, worsened=10, only_before=1):
    """Students who answered an MLQ presence campaign at the start and at the end."""
    before = past_campaign(cohort, ended_days_ago=120)
    after = past_campaign(cohort, ended_days_ago=2)
    students = enroll(cohort, improved + stayed + worsened + only_before)
    changes = [5] * improved + [1] * stayed + [-4] * worsened
    for student_id, change in zip(students, changes, strict=False):
        answer(before, student_id, 20)
        answer(after, student_id, 20 + change)
    for student_id in students[len(changes) :]:
        answer(before, student_id, 20)
    return before, after, students


def staff_client(client, staff):
    with_totp(staff)
    client.force_login(staff)
    return client


def test_staff_read_a_finding_with_its_intervals_and_nobody_in_it(client, staff, cohort):
    before, after, students = study(cohort)
    staff_client(client, staff)

    html = client.get(REPORT, {"before": before.pk, "after": after.pk}).content.decode()

    assert (
        f"Between {before.opens_on:%-d %b %Y} and {after.closes_on:%-d %b %Y}, 50% (95% CI "
        "35–65%) of the 40 Class of 2028 students who answered both surveys reported a stronger "
        "sense of meaning in life (MLQ-P, a change of at least 3 points), while 25% (95% CI "
        "14–40%) reported a weaker one and 25% (95% CI 14–40%) stayed within 3 points. The "
        "average change was +1.8 points (95% CI +0.6 to +2.9), an effect size (d_z) of 0.47."
    ) in html
    assert "Not available" not in html
    assert "@example.org" not in html
    assert member_key(students[0]) not in html


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
    assert figures["mean_change"][0] == "1.75"  # (20 x 5 + 10 x 1 - 10 x 4) / 40
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
    assert all(row[1:5] == ["", "", "", ""] for row in rows[1:])


def test_a_share_with_fewer_than_k_on_a_side_is_hidden_with_its_reason(client, staff, cohort):
    before, after, _ = study(cohort, improved=25, stayed=5, worsened=0)
    staff_client(client, staff)

    html = client.get(REPORT, {"before": before.pk, "after": after.pk}).content.decode()

    assert "the share who improved cannot be shown" in html
    assert "Not available: fewer than 10 students on one side of this share" in html
    assert "83%" not in html


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
