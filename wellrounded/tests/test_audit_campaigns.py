"""A test invitation to oneself and a change of a campaign's recurrence leave an audit row,
without content; a test the mail server refused leaves none."""

from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend

from cohorts import campaigns
from cohorts.models import Campaign
from vault.audit import actor_ref
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(cohort):
    today = cohort.school.today()
    return Campaign.objects.create(
        school=cohort.school, cohort=cohort, instrument="who5", opens_on=today,
        closes_on=today + timedelta(days=13), message="A private-sounding message.",
    )  # fmt: skip


def test_a_test_send_and_a_recurrence_are_audited_without_content(staff, campaign):
    campaigns.send_test_invitation(by=staff, campaign=campaign)
    campaigns.set_recurrence(by=staff, campaign=campaign, recurrence="weeks", every_weeks=4)
    campaigns.set_recurrence(by=staff, campaign=campaign, recurrence="", every_weeks=None)

    rows = AuditEvent.objects.order_by("pk")
    assert [r.kind for r in rows] == ["campaign_test_sent", "campaign_changed", "campaign_changed"]
    assert {(r.actor, r.school_id) for r in rows} == {(actor_ref(staff.pk), campaign.school_id)}
    for row in rows:
        stored = " ".join(str(value) for value in vars(row).values())
        assert campaign.message not in stored and staff.email not in stored


def test_a_refused_test_send_leaves_no_audit_row(staff, campaign, monkeypatch):
    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with pytest.raises(ConnectionRefusedError):
        campaigns.send_test_invitation(by=staff, campaign=campaign)

    assert not AuditEvent.objects.exists()
