"""Recurring campaigns: every few weeks, or at each rotation block start."""

from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cohorts import campaigns
from cohorts.models import Campaign, Recurrence
from conftest import with_totp
from schools.models import Placement, PlacementSource, RosterEntry, Rotation

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    with_totp(user)
    client.force_login(user)
    return client


def campaign_of(cohort, *, starts_in: int = 0, weeks: int = 2, **fields) -> Campaign:
    today = cohort.school.today()
    opens_on = today + timedelta(days=starts_in)
    return Campaign.objects.create(
        school=cohort.school, cohort=cohort, instrument="who5", opens_on=opens_on,
        closes_on=opens_on + timedelta(days=7 * weeks - 1), message="Five questions.",
        reminder_days=[4, 10], reminder_time=time(17, 0), **fields,
    )  # fmt: skip


def make_recur(client, campaign, **data):
    return client.post(reverse("cohort_campaign_recurrence", args=[campaign.pk]), data)


def test_every_twelve_weeks_creates_the_next_term_once_the_campaign_has_opened(
    client, staff, cohort, announced
):
    campaign = campaign_of(cohort)
    signed_in(client, staff)

    response = make_recur(client, campaign, recurrence="weeks", every_weeks=12)

    assert response.status_code == 302
    [following] = Campaign.objects.filter(previous=campaign)
    assert following.opens_on == campaign.opens_on + timedelta(weeks=12)
    assert following.closes_on - following.opens_on == campaign.closes_on - campaign.opens_on
    assert (following.instrument, following.cohort, following.message) == (
        campaign.instrument, campaign.cohort, campaign.message,
    )  # fmt: skip
    assert (following.reminder_days, following.reminder_time) == ([4, 10], time(17, 0))
    assert (following.recurrence, following.every_weeks) == (Recurrence.WEEKS, 12)
    assert announced.count("campaign_changed") == 1
    # Idempotent: the daily command and a second run create nothing more.
    call_command("repeat_campaigns", verbosity=0)
    assert campaigns.repeat(campaign) is None
    assert Campaign.objects.count() == 2
    page = client.get(reverse("cohort_campaign", args=[campaign.pk])).content.decode()
    assert "Repeats every 12 weeks" in page and "Next occurrence" in page


def test_an_upcoming_campaign_repeats_when_it_opens_through_the_queue(
    client, staff, cohort, django_capture_on_commit_callbacks
):
    campaign = campaign_of(cohort, starts_in=7)
    signed_in(client, staff)

    with django_capture_on_commit_callbacks(execute=True):
        make_recur(client, campaign, recurrence="weeks", every_weeks=4)

    assert not Campaign.objects.filter(previous=campaign).exists()
    [queued] = DBTaskResult.objects.filter(task_path__endswith="repeat_campaign")
    assert queued.args_kwargs["args"] == [campaign.pk]
    assert queued.run_after.date() == campaign.opens_on
    # The day it opens, the daily command (or the queued task) creates the next occurrence.
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=cohort.school.today(), closes_on=cohort.school.today() + timedelta(days=13)
    )
    call_command("repeat_campaigns", verbosity=0)
    assert Campaign.objects.get(previous=campaign).opens_on == cohort.school.today() + timedelta(
        weeks=4
    )


def test_at_each_rotation_block_start_reads_the_schools_schedule(client, staff, cohort):
    campaign = campaign_of(cohort)
    today = cohort.school.today()
    surgery = Rotation.objects.get(slug="surgery")
    RosterEntry.objects.create(school=cohort.school, email="ana@example.org", cohort=cohort)
    for starts_in in (3, 20, 48):  # 3 is inside this window: the next block is day 20
        Placement.objects.create(
            school=cohort.school, rotation=surgery, email="ana@example.org",
            source=PlacementSource.SCHOOL, starts_on=today + timedelta(days=starts_in),
            ends_on=today + timedelta(days=starts_in + 27),
        )  # fmt: skip
    signed_in(client, staff)

    make_recur(client, campaign, recurrence="rotation_block")

    following = Campaign.objects.get(previous=campaign)
    assert following.opens_on == today + timedelta(days=20)
    assert following.closes_on == today + timedelta(days=33)
    assert following.recurrence == Recurrence.ROTATION_BLOCK


def test_with_no_later_block_nothing_is_created_until_the_schedule_has_one(staff, cohort):
    campaign = campaign_of(cohort)

    campaigns.set_recurrence(
        by=staff, campaign=campaign, recurrence="rotation_block", every_weeks=None
    )
    assert not Campaign.objects.filter(previous=campaign).exists()

    RosterEntry.objects.create(school=cohort.school, email="ana@example.org", cohort=cohort)
    Placement.objects.create(
        school=cohort.school, rotation=Rotation.objects.get(slug="surgery"),
        email="ana@example.org", source=PlacementSource.SCHOOL,
        starts_on=campaign.closes_on + timedelta(days=1),
        ends_on=campaign.closes_on + timedelta(days=28),
    )  # fmt: skip
    call_command("repeat_campaigns", verbosity=0)
    assert Campaign.objects.get(previous=campaign).opens_on == campaign.closes_on + timedelta(
        days=1
    )


@pytest.mark.parametrize(
    ("days", "data", "field", "message"),
    [
        (10, {"recurrence": "weeks", "every_weeks": 4}, "recurrence", "whole weeks"),
        (14, {"recurrence": "weeks", "every_weeks": 1}, "every_weeks", "every 2 weeks or more"),
        (14, {"recurrence": "weeks", "every_weeks": ""}, "every_weeks", "every 1 to 52"),
        (14, {"recurrence": "weeks", "every_weeks": 60}, "every_weeks", "less than or equal"),
        (14, {"recurrence": "monthly"}, "recurrence", "Select a valid choice"),
    ],
)
def test_a_recurrence_out_of_limits_is_refused_next_to_its_field(
    client, staff, cohort, days, data, field, message, announced
):
    today = cohort.school.today()
    campaign = Campaign.objects.create(
        school=cohort.school, cohort=cohort, instrument="who5", opens_on=today,
        closes_on=today + timedelta(days=days - 1), message="Hi.",
    )  # fmt: skip
    signed_in(client, staff)

    response = make_recur(client, campaign, **data)

    assert response.status_code == 200
    assert message in " ".join(response.context["recurrence_form"].errors[field])
    campaign.refresh_from_db()
    assert campaign.recurrence == ""
    assert Campaign.objects.count() == 1
    assert "campaign_changed" not in announced


def test_staff_stop_the_recurrence_and_no_further_occurrence_is_made(client, staff, cohort):
    campaign = campaign_of(cohort, starts_in=-14 * 7)  # opened long ago: closed
    signed_in(client, staff)
    make_recur(client, campaign, recurrence="weeks", every_weeks=6)
    following = Campaign.objects.get(previous=campaign)
    assert following.opens_on >= cohort.school.today()  # never in the past

    response = make_recur(client, campaign, recurrence="")

    assert response.status_code == 302
    following.refresh_from_db()
    assert following.recurrence == "" and following.every_weeks is None
    Campaign.objects.filter(pk=following.pk).update(opens_on=cohort.school.today())
    call_command("repeat_campaigns", verbosity=0)
    assert Campaign.objects.count() == 2


def test_a_next_window_that_overlaps_another_campaign_is_refused_and_said(client, staff, cohort):
    campaign = campaign_of(cohort)
    campaign_of(cohort, starts_in=7 * 8)  # staff already planned one in eight weeks
    signed_in(client, staff)

    response = make_recur(client, campaign, recurrence="weeks", every_weeks=8)

    assert response.status_code == 200
    errors = " ".join(response.context["recurrence_form"].errors["recurrence"])
    assert "next occurrence cannot be created" in errors and "overlaps these dates" in errors
    campaign.refresh_from_db()
    assert campaign.recurrence == ""


def test_staff_of_another_school_cannot_make_our_campaign_recur(client, other_staff, cohort):
    campaign = campaign_of(cohort)
    signed_in(client, other_staff)

    response = make_recur(client, campaign, recurrence="weeks", every_weeks=4)

    assert response.status_code == 404
    campaign.refresh_from_db()
    assert campaign.recurrence == ""
    with pytest.raises(campaigns.ValidationError):
        campaigns.set_recurrence(
            by=other_staff, campaign=campaign, recurrence="weeks", every_weeks=4
        )


def test_a_rotation_campaign_repeats_at_the_next_block_of_its_own_rotation(staff, cohort):
    surgery, medicine = (
        Rotation.objects.get(slug=slug) for slug in ("surgery", "internal-medicine")
    )
    campaign = campaign_of(cohort, rotation=surgery)
    today = cohort.school.today()
    RosterEntry.objects.create(school=cohort.school, email="ana@example.org", cohort=cohort)
    for rotation, starts_in in ((medicine, 15), (surgery, 29)):
        Placement.objects.create(
            school=cohort.school, rotation=rotation, email="ana@example.org",
            source=PlacementSource.SCHOOL, starts_on=today + timedelta(days=starts_in),
            ends_on=today + timedelta(days=starts_in + 13),
        )  # fmt: skip

    campaigns.set_recurrence(
        by=staff, campaign=campaign, recurrence="rotation_block", every_weeks=None
    )

    following = Campaign.objects.get(previous=campaign)
    assert (following.rotation, following.opens_on) == (surgery, today + timedelta(days=29))


def test_the_campaign_list_marks_a_recurring_campaign(client, staff, cohort):
    campaign_of(cohort, recurrence=Recurrence.WEEKS, every_weeks=12)
    signed_in(client, staff)

    assert "(repeats)" in client.get(reverse("cohort_campaigns")).content.decode()
