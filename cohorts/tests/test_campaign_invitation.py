"""The invitation on the campaign page, and a test of it sent to oneself."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cohorts import campaigns
from cohorts.models import Campaign, CampaignTestSend
from conftest import make_staff, with_totp
from schools.models import StaffRole

from .campaign_factories import open_campaign, past_campaign

pytestmark = pytest.mark.django_db


def upcoming_campaign(cohort) -> Campaign:
    today = cohort.school.today()
    return Campaign.objects.create(
        school=cohort.school,
        cohort=cohort,
        instrument="who5",
        opens_on=today + timedelta(days=7),
        closes_on=today + timedelta(days=20),
        message="Five questions about your last two weeks.",
    )


def signed_in(client, user):
    with_totp(user)
    client.force_login(user)
    return client


def test_the_page_previews_the_invitation_exactly_as_the_real_send_builds_it(
    client, staff, student, cohort
):
    campaign = upcoming_campaign(cohort)
    signed_in(client, staff)

    response = client.get(reverse("cohort_campaign", args=[campaign.pk]))

    preview = response.context["preview"]
    campaign.opens_on = cohort.school.today()  # let the real send run today
    campaign.save()
    noon = datetime.combine(
        cohort.school.today(), time(12), tzinfo=ZoneInfo(cohort.school.timezone)
    )  # inside school hours, whenever the test runs
    campaigns.send_campaign_emails(campaign_id=campaign.pk, kind=campaigns.INVITATION, now=noon)
    [sent] = mail.outbox
    assert (preview.subject, preview.body) == (sent.subject, sent.body)
    page = response.content.decode()
    assert "Five questions about your last two weeks." in page
    assert "invites you to a short survey: WHO-Five Well-Being Index" in page
    assert student.email not in page


def test_a_closed_campaign_shows_no_preview_and_sends_no_test(client, staff, cohort):
    campaign = past_campaign(cohort, ended_days_ago=3)
    signed_in(client, staff)

    response = client.get(reverse("cohort_campaign", args=[campaign.pk]))
    sent = client.post(reverse("cohort_campaign_test_send", args=[campaign.pk]), follow=True)

    assert "preview" not in response.context
    assert "has closed" in sent.content.decode()
    assert mail.outbox == []
    assert not CampaignTestSend.objects.exists()


def test_a_test_goes_to_the_staff_member_only_and_is_announced_to_the_audit_trail(
    client, staff, student, classmate, cohort, announced
):
    campaign = upcoming_campaign(cohort)
    signed_in(client, staff)

    response = client.post(reverse("cohort_campaign_test_send", args=[campaign.pk]), follow=True)

    [email] = mail.outbox
    assert email.to == [staff.email]
    assert email.cc == email.bcc == []
    assert email.body == campaigns.invitation_preview(campaign).body
    assert f"Test invitation sent to {staff.email}" in response.content.decode()
    assert announced.count("campaign_test_sent") == 1
    # The campaign itself has not sent anything to students.
    campaign.refresh_from_db()
    assert campaign.invitations_sent_at is None


def test_five_tests_an_hour_per_campaign_then_a_clear_refusal(client, staff, cohort):
    campaign = upcoming_campaign(cohort)
    colleague = make_staff(cohort.school, "lead@riverside.example", role=StaffRole.WELLNESS_LEAD)
    signed_in(client, staff)
    url = reverse("cohort_campaign_test_send", args=[campaign.pk])
    for _ in range(campaigns.TEST_SENDS_PER_HOUR):
        client.post(url)

    signed_in(client, colleague)  # the limit is the campaign's, whoever clicks
    refused = client.post(url, follow=True)

    assert len(mail.outbox) == campaigns.TEST_SENDS_PER_HOUR
    assert "At most 5 tests of a campaign an hour" in refused.content.decode()
    assert CampaignTestSend.objects.count() == campaigns.TEST_SENDS_PER_HOUR
    # An hour later the oldest no longer count.
    CampaignTestSend.objects.update(sent_at=timezone.now() - timedelta(hours=1, minutes=1))
    client.post(url)
    assert len(mail.outbox) == campaigns.TEST_SENDS_PER_HOUR + 1


def test_a_mail_server_failure_is_said_and_not_counted(client, staff, cohort, monkeypatch):
    campaign = open_campaign(cohort)
    signed_in(client, staff)

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    response = client.post(reverse("cohort_campaign_test_send", args=[campaign.pk]), follow=True)

    assert "did not accept the test" in response.content.decode()
    assert not CampaignTestSend.objects.exists()  # its audit row rolls back with it


def test_staff_of_another_school_cannot_send_a_test_of_our_campaign(client, other_staff, cohort):
    campaign = upcoming_campaign(cohort)
    signed_in(client, other_staff)

    response = client.post(reverse("cohort_campaign_test_send", args=[campaign.pk]))

    assert response.status_code == 404
    assert mail.outbox == []
    with pytest.raises(campaigns.ValidationError):
        campaigns.send_test_invitation(by=other_staff, campaign=campaign)
    assert mail.outbox == []


def test_the_test_button_is_post_only(client, staff, cohort):
    campaign = upcoming_campaign(cohort)
    signed_in(client, staff)

    assert client.get(reverse("cohort_campaign_test_send", args=[campaign.pk])).status_code == 405
    assert mail.outbox == []
