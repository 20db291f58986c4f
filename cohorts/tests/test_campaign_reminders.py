"""Reminders on the days staff choose: at most three, inside the window, in school hours,
only to students who have not answered."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cohorts import campaigns
from cohorts.models import Campaign
from conftest import with_totp

from .campaign_factories import answer

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    with_totp(user)
    client.force_login(user)
    return client


def form_data(cohort, /, **changes):
    today = cohort.school.today()
    data = {
        "cohort": cohort.pk,
        "rotation": "",
        "instrument": "who5",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=13)).isoformat(),
        "message": "Five questions, two minutes, anonymous to the school.",
        "reminder_1": (today + timedelta(days=4)).isoformat(),
        "reminder_2": (today + timedelta(days=9)).isoformat(),
        "reminder_3": "",
        "reminder_time": "17:30",
    }
    data.update(changes)
    return data


def school_time(cohort, day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(cohort.school.timezone))


def test_staff_choose_reminder_days_and_each_is_queued_at_its_time(
    client, staff, cohort, django_capture_on_commit_callbacks
):
    signed_in(client, staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cohort_campaign_new"), form_data(cohort))

    campaign = Campaign.objects.get()
    assert campaign.reminder_days == [4, 9]
    assert campaign.reminder_time == time(17, 30)
    reminders = DBTaskResult.objects.filter(args_kwargs__args__1="reminder")
    when = sorted(r.run_after for r in reminders)
    assert when == [school_time(cohort, day, 17, 30) for day in campaign.reminder_dates]
    page = client.get(reverse("cohort_campaign", args=[campaign.pk])).content.decode()
    assert "at 17:30 school time" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reminder_1": "__opens__"}, "reminder_1", "after the window opens"),
        ({"reminder_2": "__after__"}, "reminder_2", "no later than the day it closes"),
        ({"reminder_2": "__same__"}, "reminder_2", "already chosen"),
        ({"reminder_time": "07:30"}, "reminder_time", "between 08:00 and 20:00"),
        ({"reminder_time": "20:15"}, "reminder_time", "never at night"),
        ({"reminder_time": "noon"}, "reminder_time", "Enter a valid time"),
        ({"reminder_3": "not a date"}, "reminder_3", "Enter a valid date"),
    ],
)
def test_a_reminder_schedule_out_of_limits_is_refused_next_to_its_field(
    client, staff, cohort, changes, field, message
):
    today = cohort.school.today()
    data = form_data(cohort, **changes)
    stand_ins = {
        "__opens__": today.isoformat(),
        "__after__": (today + timedelta(days=14)).isoformat(),
        "__same__": data["reminder_1"],
    }
    data = {name: stand_ins.get(value, value) for name, value in data.items()}
    signed_in(client, staff)

    response = client.post(reverse("cohort_campaign_new"), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Campaign.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_service_refuses_a_fourth_reminder(staff, cohort):
    today = cohort.school.today()

    with pytest.raises(campaigns.ValidationError) as refused:
        campaigns.create_campaign(
            by=staff,
            school=cohort.school,
            cohort=cohort,
            instrument="who5",
            opens_on=today,
            closes_on=today + timedelta(days=13),
            message="Hello.",
            reminders=[today + timedelta(days=d) for d in (2, 4, 6, 8)],
        )

    assert "At most 3 reminders" in str(refused.value.message_dict["reminder_4"])
    assert not Campaign.objects.exists()


def test_no_reminders_chosen_means_none_sent(staff, student, cohort):
    today = cohort.school.today()
    campaign = campaigns.create_campaign(
        by=staff, school=cohort.school, cohort=cohort, instrument="who5", opens_on=today,
        closes_on=today + timedelta(days=6), message="Hello.", reminder_time=time(3, 0),
    )  # fmt: skip

    noon = school_time(cohort, today + timedelta(days=6), 12)
    sent = campaigns.send_campaign_emails(campaign_id=campaign.pk, kind="reminder", now=noon)

    assert sent == 0 and mail.outbox == []


def reminding(cohort, **fields) -> Campaign:
    today = cohort.school.today()
    return Campaign.objects.create(
        school=cohort.school, cohort=cohort, instrument="who5", opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=12), message="Five questions.", reminder_days=[3, 8],
        reminder_time=time(18, 0), **fields,
    )  # fmt: skip


def test_a_reminder_goes_once_on_its_day_to_who_has_not_answered(student, classmate, cohort):
    campaign = reminding(cohort)
    answer(campaign, classmate.pk, 60, day=campaign.opens_on)
    first = campaign.reminder_dates[0]

    early = campaigns.send_campaign_emails(
        campaign_id=campaign.pk, kind="reminder", now=school_time(cohort, first, 17, 59)
    )
    on_time = campaigns.send_campaign_emails(
        campaign_id=campaign.pk, kind="reminder", now=school_time(cohort, first, 18, 0)
    )
    again = campaigns.send_campaign_emails(
        campaign_id=campaign.pk, kind="reminder", now=school_time(cohort, first, 19, 0)
    )

    assert (early, on_time, again) == (0, 1, 0)
    [email] = mail.outbox
    assert email.to == [student.email]  # the classmate has answered
    assert email.subject.endswith(f"closes on {campaign.closes_on:%-d %B}")
    campaign.refresh_from_db()
    assert campaign.reminders_sent == [3]


def test_a_reminder_due_at_night_waits_for_eight_oclock(student, cohort):
    campaign = reminding(cohort)
    late = school_time(cohort, campaign.reminder_dates[0], 22, 40)

    sent = campaigns.send_campaign_emails(campaign_id=campaign.pk, kind="reminder", now=late)

    assert sent == 0 and mail.outbox == []
    [waiting] = DBTaskResult.objects.filter(status="READY")
    assert waiting.args_kwargs["args"] == [campaign.pk, "reminder"]
    assert waiting.run_after == school_time(cohort, late.date() + timedelta(days=1), 8)
    campaign.refresh_from_db()
    assert campaign.reminders_sent == []


def test_reminders_that_fell_due_together_go_out_as_one_email(student, cohort):
    campaign = reminding(cohort)
    after_both = school_time(cohort, campaign.reminder_dates[1] + timedelta(days=1), 9)

    sent = campaigns.send_campaign_emails(campaign_id=campaign.pk, kind="reminder", now=after_both)

    assert sent == 1 and len(mail.outbox) == 1
    campaign.refresh_from_db()
    assert campaign.reminders_sent == [3, 8]


def test_a_failed_reminder_is_given_back_and_retried(student, cohort, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    campaign = reminding(cohort)
    due = school_time(cohort, campaign.reminder_dates[0], 18, 30)

    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP server down")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(ConnectionRefusedError):
            campaigns.send_campaign_emails(campaign_id=campaign.pk, kind="reminder", now=due)
    campaign.refresh_from_db()
    assert campaign.reminders_sent == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    assert campaigns.send_campaign_emails(campaign_id=campaign.pk, kind="reminder", now=due) == 1
