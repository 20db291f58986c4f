"""A campaign's published results as CSV: the cells its page shows, nothing before."""

import csv
import io

import pytest
from django.urls import reverse

from cohorts.models import Campaign
from conftest import with_totp

from .campaign_factories import answer, open_campaign, past_campaign
from .factories import enroll

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    with_totp(user)
    client.force_login(user)
    return client


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def by_figure(lines: list[dict]) -> dict:
    return {(line["figure"], line["band"]): line for line in lines}


def test_the_export_holds_the_published_figures_and_each_hidden_ones_reason(
    client, staff, cohort, announced
):
    campaign = past_campaign(cohort, instrument="who5", ended_days_ago=2)
    students = enroll(cohort, 40)
    for i, student_id in enumerate(students[:24]):
        score, band = (80, "Above the low range") if i < 20 else (20, "Very low well-being")
        answer(campaign, student_id, score, band)
    signed_in(client, staff)

    page = client.get(reverse("cohort_campaign", args=[campaign.pk])).content.decode()
    response = client.get(reverse("cohort_campaign_csv", args=[campaign.pk]))

    assert response["Content-Type"].startswith("text/csv")
    assert f"campaign-{campaign.pk}-who5-" in response["Content-Disposition"]
    lines = by_figure(rows(response))
    assert lines[("invited", "")]["students"] == "40"
    assert (lines[("responded", "")]["students"], lines[("responded", "")]["value"]) == (
        "24",
        "0.6",
    )
    assert lines[("mean", "")]["students"] == "24"
    assert float(lines[("mean", "")]["value"]) == 70.0 and "70.0" in page
    # The three bands the page hides are hidden here too, with the page's reason.
    hidden = [line for (figure, _), line in lines.items() if figure == "band" and not line["value"]]
    assert len(hidden) == 3 == page.count("Not available: fewer than 10 students")
    for line in hidden:
        assert line["not_shown_because"].startswith("fewer than 10 students")
        assert f"Not available: {line['not_shown_because']}" in page
    assert all(line["students"] == "" for (figure, _), line in lines.items() if figure == "band")
    assert announced.count("staff_export_downloaded") == 1


def test_a_hidden_response_count_is_exported_as_the_page_words_it(client, staff, cohort):
    campaign = past_campaign(cohort, ended_days_ago=8)
    for student_id in enroll(cohort, 30)[:9]:
        answer(campaign, student_id, 25)
    signed_in(client, staff)

    lines = by_figure(rows(client.get(reverse("cohort_campaign_csv", args=[campaign.pk]))))

    responded = lines[("responded", "")]
    assert responded["students"] == responded["value"] == ""
    assert responded["not_shown_because"] == ("Fewer than 10 of the 30 invited students responded")
    assert lines[("mean", "")]["value"] == ""
    assert "9" not in {line["students"] for line in lines.values()}


@pytest.mark.parametrize("when", ["open", "closed, not yet published"])
def test_nothing_is_exported_before_publication(client, staff, cohort, when, announced):
    campaign = open_campaign(cohort) if when == "open" else past_campaign(cohort, ended_days_ago=0)
    for student_id in enroll(cohort, 30)[:20]:
        answer(campaign, student_id, 25, day=campaign.opens_on)
    signed_in(client, staff)

    response = client.get(reverse("cohort_campaign_csv", args=[campaign.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("cohort_campaign", args=[campaign.pk])
    assert "Nothing to export yet" in response.content.decode()
    assert "staff_export_downloaded" not in announced


def test_another_schools_staff_cannot_export_our_campaign(client, other_staff, cohort):
    campaign = past_campaign(cohort, ended_days_ago=8)
    signed_in(client, other_staff)

    assert client.get(reverse("cohort_campaign_csv", args=[campaign.pk])).status_code == 404
    assert Campaign.objects.count() == 1
