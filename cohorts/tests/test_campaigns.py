import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cohorts import campaigns
from cohorts.models import Campaign, CampaignResponse
from cohorts.services import member_key
from conftest import make_cohort, make_student, with_totp
from schools.models import Rotation

from .campaign_factories import answer, open_campaign, past_campaign
from .factories import enroll

pytestmark = pytest.mark.django_db
API = "/api/school"


def staff_client(client, staff):
    with_totp(staff)
    client.force_login(staff)
    return client


def form_data(cohort, /, **changes):
    today = cohort.school.today()
    data = {
        "cohort": cohort.pk,
        "rotation": "",
        "instrument": "mlq_presence",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(),
        "message": "How meaningful do your days feel? Two minutes, anonymous to the school.",
        "reminder_1": (today + timedelta(days=11)).isoformat(),
        "reminder_time": "09:00",
    }
    data.update(changes)
    return data


def mlq_answers(value: int, key: str) -> dict:
    return {**{f"item_{i}": value for i in range(1, 6)}, "submission_key": key}


# Staff create a campaign


def test_staff_create_a_campaign_and_its_emails_are_queued(
    client, staff, cohort, django_capture_on_commit_callbacks
):
    staff_client(client, staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cohort_campaign_new"), form_data(cohort))

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cohort_campaign", args=[campaign.pk])
    assert (campaign.cohort, campaign.school, campaign.created_by) == (cohort, cohort.school, staff)
    # The invitation (now: it opens today) and the reminder (the day chosen: 3 days before it
    # closes, at 09:00 school time).
    queued = {t.args_kwargs["args"][1]: t for t in DBTaskResult.objects.all()}
    assert set(queued) == {"invitation", "reminder"}
    assert queued["invitation"].args_kwargs["args"][0] == campaign.pk
    assert queued["reminder"].run_after.astimezone(ZoneInfo(cohort.school.timezone)).date() == (
        campaign.closes_on - timedelta(days=3)
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"opens_on": "2020-01-01", "closes_on": "2020-01-10"}, "opens_on", "in the past"),
        ({"closes_on": "2000-01-01"}, "closes_on", "on or after the day it opens"),
        ({"instrument": "nonsense"}, "instrument", "Select a valid choice"),
        ({"cohort": "999999"}, "cohort", "Select a valid choice"),
        ({"message": ""}, "message", "required"),
        ({"opens_on": "not a date"}, "opens_on", "Enter a valid date"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_written(
    client, staff, cohort, changes, field, message
):
    staff_client(client, staff)

    response = client.post(reverse("cohort_campaign_new"), form_data(cohort, **changes))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Campaign.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_window_longer_than_90_days_is_refused(client, staff, cohort):
    staff_client(client, staff)
    today = cohort.school.today()
    data = form_data(cohort, closes_on=(today + timedelta(days=90)).isoformat())

    response = client.post(reverse("cohort_campaign_new"), data)

    assert "at most 90 days" in " ".join(response.context["form"].errors["closes_on"])
    assert not Campaign.objects.exists()


def test_another_schools_cohort_is_not_on_the_menu_nor_accepted_by_the_service(
    client, staff, other_school, cohort
):
    theirs = make_cohort(other_school, 2029)
    staff_client(client, staff)

    response = client.post(reverse("cohort_campaign_new"), form_data(theirs))

    assert "cohort" in response.context["form"].errors
    with pytest.raises(ValidationError):
        campaigns.create_campaign(
            by=staff,
            school=other_school,
            cohort=theirs,
            instrument="who5",
            opens_on=other_school.today(),
            closes_on=other_school.today() + timedelta(days=5),
            message="Hello",
        )
    with pytest.raises(ValidationError, match="cohort of your school"):
        campaigns.create_campaign(
            by=staff,
            school=cohort.school,
            cohort=theirs,
            instrument="who5",
            opens_on=other_school.today(),
            closes_on=other_school.today() + timedelta(days=5),
            message="Hello",
        )
    assert not Campaign.objects.exists()


def test_two_overlapping_windows_of_one_screening_are_refused(client, staff, cohort):
    staff_client(client, staff)
    client.post(reverse("cohort_campaign_new"), form_data(cohort))

    response = client.post(reverse("cohort_campaign_new"), form_data(cohort))

    assert "overlaps" in " ".join(response.context["form"].errors["opens_on"])
    assert Campaign.objects.count() == 1


# Students answer


def test_a_students_screening_counts_once_and_the_latest_score_wins(client, student, cohort):
    campaign = open_campaign(cohort)
    client.force_login(student)

    home = client.get("/").content.decode()
    assert campaign.message in home
    assert reverse("screening_take", args=["mlq_presence"]) in home

    client.post(reverse("screening_take", args=["mlq_presence"]), mlq_answers(2, "a"))
    # Item 9 is reverse-scored: 4 x 6 + (8 - 6) = 26.
    client.post(reverse("screening_take", args=["mlq_presence"]), mlq_answers(6, "b"))

    row = CampaignResponse.objects.get()
    assert (row.campaign, row.member, row.score) == (campaign, member_key(student.pk), 26)
    assert "you have answered" in client.get("/").content.decode()


def test_a_response_outside_the_window_or_of_another_screening_is_not_counted(
    client, student, cohort
):
    past_campaign(cohort, ended_days_ago=3)
    open_campaign(cohort, instrument="who5")
    client.force_login(student)

    client.post(reverse("screening_take", args=["mlq_presence"]), mlq_answers(4, "a"))

    assert not CampaignResponse.objects.exists()


def test_a_rotation_campaign_counts_only_the_students_placed_on_it(
    client, student, classmate, cohort
):
    campaign = open_campaign(cohort, rotation=Rotation.objects.get(slug="psychiatry"))
    for who in (student, classmate):
        client.force_login(who)
        client.post(reverse("screening_take", args=["mlq_presence"]), mlq_answers(4, "k"))

    assert list(CampaignResponse.objects.values_list("member", flat=True)) == [
        member_key(classmate.pk)
    ]
    assert list(campaigns.invited_students(campaign).values_list("student", flat=True)) == [
        classmate.pk
    ]


# Emails through the queue


def test_invitations_go_to_each_student_who_has_not_answered_once(student, classmate, cohort):
    campaign = open_campaign(cohort)
    answer(campaign, classmate.pk, 20)

    sent = campaigns.send_campaign_emails(
        campaign_id=campaign.pk, kind="invitation", now=midday(cohort)
    )
    again = campaigns.send_campaign_emails(
        campaign_id=campaign.pk, kind="invitation", now=midday(cohort)
    )

    assert (sent, again) == (1, 0)
    [email] = mail.outbox
    assert email.to == [student.email]
    assert "/screenings/mlq_presence/" in email.body
    assert campaign.message in email.body


def test_no_reminder_after_the_window_has_closed(student, cohort):
    campaign = past_campaign(cohort, ended_days_ago=1)

    assert campaigns.send_campaign_emails(campaign_id=campaign.pk, kind="reminder") == 0
    assert mail.outbox == []


def test_a_failing_mail_server_loses_no_invitation(student, cohort, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    campaign = open_campaign(cohort)

    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP server down")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(ConnectionRefusedError):
            campaigns.send_campaign_emails(
                campaign_id=campaign.pk, kind="invitation", now=midday(cohort)
            )
    campaign.refresh_from_db()
    assert campaign.invitations_sent_at is None  # not marked sent, and a retry is queued
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.args_kwargs["args"] == [campaign.pk, "invitation"]
    assert retry.run_after > timezone.now()

    sent = campaigns.send_campaign_emails(
        campaign_id=campaign.pk, kind="invitation", now=midday(cohort)
    )
    assert sent == 1
    assert [email.to for email in mail.outbox] == [[student.email]]
    campaign.refresh_from_db()
    assert campaign.invitations_sent_at is not None


def midday(cohort) -> datetime:
    """Noon today at the school: inside school hours whenever the test runs."""
    zone = ZoneInfo(cohort.school.timezone)
    return datetime.combine(cohort.school.today(), time(12), tzinfo=zone)


def in_school_hours_now(school) -> None:
    """Give the school a time zone where it is day now, so a test that runs the real worker
    (which reads the clock) sends what school hours allow, whatever the hour of the run."""
    for offset in range(-12, 15):
        zone = f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"
        if 10 <= datetime.now(ZoneInfo(zone)).hour < 18:
            school.timezone = zone
            school.save(update_fields=["timezone"])
            return
    raise AssertionError("no zone where it is day")  # pragma: no cover


def test_an_invitation_due_at_night_waits_for_eight_in_the_morning(student, cohort):
    campaign = open_campaign(cohort)
    zone = ZoneInfo(cohort.school.timezone)
    night = datetime.combine(cohort.school.today(), time(23, 10), tzinfo=zone)

    sent = campaigns.send_campaign_emails(campaign_id=campaign.pk, kind="invitation", now=night)

    assert sent == 0 and mail.outbox == []
    campaign.refresh_from_db()
    assert campaign.invitations_sent_at is None
    [later] = DBTaskResult.objects.filter(status="READY")
    assert later.run_after == datetime.combine(
        cohort.school.today() + timedelta(days=1), time(8), tzinfo=zone
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_invitation_queued_in_the_database(staff, student, cohort):
    in_school_hours_now(cohort.school)
    today = cohort.school.today()
    campaign = campaigns.create_campaign(
        by=staff,
        school=cohort.school,
        cohort=cohort,
        instrument="who5",
        opens_on=today,
        closes_on=today + timedelta(days=10),
        message="Hello from the wellness team.",
        reminders=[today + timedelta(days=5)],
    )
    assert DBTaskResult.objects.count() == 2
    assert mail.outbox == []

    call_command("run_worker", "--batch", verbosity=0)

    [email] = mail.outbox
    assert email.to == [student.email]
    campaign.refresh_from_db()
    assert campaign.invitations_sent_at is not None and campaign.reminders_sent == []
    # The reminder waits for its day in the queue.
    assert DBTaskResult.objects.filter(status="READY").count() == 1


# What staff see


def test_while_a_survey_is_open_staff_see_no_count_that_moves_when_a_student_answers(
    client, staff, cohort
):
    campaign = open_campaign(cohort)
    students = enroll(cohort, 30)
    for student_id in students[:12]:
        answer(campaign, student_id, 25)
    staff_client(client, staff)
    page = reverse("cohort_campaign", args=[campaign.pk])

    def main_of(response) -> str:
        # Each render masks the CSRF token (of the test-send button) anew: not a figure.
        html = response.content.decode().split("<main")[1]
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    html = main_of(client.get(page))
    answer(campaign, students[12], 25)  # a student staff are watching answers now
    again = main_of(client.get(page))

    assert "How many answered is published with the results" in html
    assert again == html
    for count in ("12", "13", "40%"):
        assert f" {count} " not in html
    assert "@example.org" not in html
    assert member_key(students[0]) not in html


def test_fewer_than_k_responses_read_fewer_than_k_once_published(client, staff, cohort):
    campaign = past_campaign(cohort, ended_days_ago=8)
    students = enroll(cohort, 30)
    for student_id in students[:9]:
        answer(campaign, student_id, 25)
    staff_client(client, staff)

    html = client.get(reverse("cohort_campaign", args=[campaign.pk])).content.decode()

    assert "Fewer than 10 of the 30 invited students responded" in html
    assert " 9 " not in html


def test_after_close_staff_see_the_suppressed_results(client, staff, cohort):
    campaign = past_campaign(cohort, instrument="who5", ended_days_ago=2)
    students = enroll(cohort, 50)
    bands = [(80, "Above the low range")] * 20 + [(40, "Low well-being")] * 10
    bands += [(20, "Very low well-being")] * 10
    for student_id, (score, band) in zip(students, bands, strict=False):
        answer(campaign, student_id, score, band)
    staff_client(client, staff)

    html = client.get(reverse("cohort_campaign", args=[campaign.pk])).content.decode()

    assert "40 of 50 invited students responded (80%)" in html
    assert "55.0" in html  # (20 x 80 + 10 x 40 + 10 x 20) / 40
    assert "50%" in html and "25%" in html
    assert "Not available" not in html


def test_a_band_that_would_give_away_a_small_group_is_hidden(client, staff, cohort):
    campaign = past_campaign(cohort, instrument="who5", ended_days_ago=2)
    students = enroll(cohort, 40)
    for i, student_id in enumerate(students[:24]):
        score, band = (80, "Above the low range") if i < 20 else (20, "Very low well-being")
        answer(campaign, student_id, score, band)
    staff_client(client, staff)

    html = client.get(reverse("cohort_campaign", args=[campaign.pk])).content.decode()

    # 4 with very low well-being: hidden; 20 of 24 above the low range would reveal them.
    assert html.count("Not available: fewer than 10 students") == 3
    assert "83%" not in html and "17%" not in html
    assert "70.0" in html  # the mean of all 24 is still a group of 24


def test_the_campaign_list_shows_only_the_schools_campaigns(client, staff, other_staff, cohort):
    mine = open_campaign(cohort)
    staff_client(client, other_staff)

    html = client.get(reverse("cohort_campaigns")).content.decode()

    assert mine.message not in html and "No campaigns yet" in html


ROUTES = ["cohort_campaigns", "cohort_campaign_new", "cohort_campaign"]


@pytest.mark.parametrize("route", ROUTES)
def test_every_role_on_every_campaign_route(
    client, route, staff, other_staff, student, classmate, operator, cohort
):
    campaign = open_campaign(cohort)
    url = reverse(route, args=[campaign.pk] if route == "cohort_campaign" else [])

    assert client.get(url).status_code == 302  # anonymous: to the login page
    with_totp(operator)
    for who in (student, classmate, operator):
        client.force_login(who)
        assert client.get(url).status_code == 403
        assert client.post(url, form_data(cohort)).status_code == 403
    staff_client(client, other_staff)
    # Their school has no cohort to invite and none of our campaigns.
    expected = 200 if route == "cohort_campaigns" else 404
    assert client.get(url).status_code == expected
    staff_client(client, staff)
    assert client.get(url).status_code == 200
    assert Campaign.objects.count() == 1


def test_tampered_campaign_ids_are_not_found(client, staff, cohort):
    staff_client(client, staff)

    assert client.get("/school/campaigns/999999/").status_code == 404
    assert client.get("/school/campaigns/abc/").status_code == 404


def test_the_api_lists_campaigns_for_staff_of_the_school_only(
    client, staff, other_staff, student, cohort
):
    campaign = open_campaign(cohort)
    for student_id in enroll(cohort, 30)[:11]:
        answer(campaign, student_id, 20)

    client.force_login(student)
    assert client.get(f"{API}/campaigns").status_code == 403
    assert client.get(f"{API}/campaigns/{campaign.pk}").status_code == 403
    staff_client(client, other_staff)
    assert client.get(f"{API}/campaigns").json() == []
    assert client.get(f"{API}/campaigns/{campaign.pk}").status_code == 404
    staff_client(client, staff)
    [listed] = client.get(f"{API}/campaigns").json()
    detail = client.get(f"{API}/campaigns/{campaign.pk}").json()

    assert listed["state"] == "open" and listed["invited"] is None
    assert listed["responses"] is None  # no count while the survey is open
    assert listed["summary"].startswith("Open until")
    assert detail["mean"] is None and detail["bands"] == []


def test_students_see_only_their_cohorts_open_campaigns(client, student, school):
    other_cohort = make_cohort(school, 2031)
    open_campaign(other_cohort)
    make_student(other_cohort, "x@riverside.example")
    client.force_login(student)

    assert "Surveys from your school" not in client.get("/").content.decode()
