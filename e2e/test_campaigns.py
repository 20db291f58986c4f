from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from cohorts.models import Campaign, CampaignResponse
from cohorts.tests.campaign_factories import answer, past_campaign
from cohorts.tests.factories import enroll
from conftest import with_totp
from e2e.steps import sign_in

from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_invite_a_cohort_a_student_answers_and_staff_see_no_count_until_published(
    page, browser, live_server, staff, student, cohort, screenshot
):
    others = enroll(cohort, 24)
    sign_in(page, staff, with_totp(staff))
    today = cohort.school.today()

    page.goto("/school/campaigns/new/")
    page.get_by_label("Screening").select_option(
        label="Meaning in Life Questionnaire, Presence of Meaning subscale"
    )
    page.get_by_label("Opens on").fill(today.isoformat())
    page.get_by_label("Closes on").fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("Message").fill("How meaningful do your days feel? Two minutes.")
    page.get_by_role("button", name="Create campaign").click()

    expect(page.get_by_text("Results are published once")).to_be_visible()
    campaign = Campaign.objects.get()
    for student_id in others[:10]:
        answer(campaign, student_id, 22, day=today)

    student_context = browser.new_context(base_url=live_server.url)
    student_page = student_context.new_page()
    sign_in(student_page, student)
    expect(student_page.get_by_text("How meaningful do your days feel?")).to_be_visible()
    student_page.get_by_role("link", name="Take the survey").click()
    groups = student_page.locator("fieldset")
    for index in range(5):
        groups.nth(index).get_by_label("Mostly True").check()
    student_page.get_by_role("button", name="See my result").click()
    expect(student_page.get_by_role("heading", name="Your MLQ-P result")).to_be_visible()
    student_context.close()

    page.reload()
    # The student's answer is counted, but nothing staff see moves while the survey is open.
    expect(page.locator("#response-count")).to_contain_text(
        "How many answered is published with the results"
    )
    assert CampaignResponse.objects.filter(campaign=campaign).count() == 11
    assert "11 of" not in page.locator("main").inner_text()
    assert student.email not in page.content()
    screenshot("campaign-detail")


def test_staff_print_a_before_after_report_to_pdf_with_its_caveats(page, staff, cohort):
    before = past_campaign(cohort, instrument="pss10", ended_days_ago=120)
    after = past_campaign(cohort, instrument="pss10", ended_days_ago=2)
    for i, student_id in enumerate(enroll(cohort, 52)):
        answer(before, student_id, 20 + i % 4)
        if i < 40:
            answer(after, student_id, 20 + i % 4 + (-12 if i < 20 else -1 if i < 30 else 12))
    sign_in(page, staff, with_totp(staff))

    page.goto(f"/school/reports/?before={before.pk}&after={after.pk}")
    sentence = page.locator("#report-sentence")
    expect(sentence).to_contain_text("40 Class of 2028 students answered the PSS-10")
    expect(sentence).to_contain_text("50% (95% CI 35–65%) of them scored at least 11 points lower")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Download (CSV)")).to_be_hidden()
    expect(sentence).to_be_visible()
    caveats = page.locator(".caveats")
    expect(caveats).to_be_visible()
    expect(caveats).to_contain_text("No comparison group")
    expect(caveats).to_contain_text("Regression to the mean")
    expect(caveats).to_contain_text("40 students answered both surveys, 12 only the first")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "before-after-report.pdf"
    page.pdf(path=str(path), format="A4")
    assert path.read_bytes().startswith(b"%PDF")


def test_staff_preview_an_invitation_send_themselves_a_test_and_make_it_repeat(
    page, staff, student, cohort, screenshot
):
    sign_in(page, staff, with_totp(staff))
    opens_on = cohort.school.today() + timedelta(days=7)

    page.goto("/school/campaigns/new/")
    page.get_by_label("Screening").select_option(label="WHO-Five Well-Being Index")
    page.get_by_label("Opens on").fill(opens_on.isoformat())
    page.get_by_label("Closes on").fill((opens_on + timedelta(days=13)).isoformat())
    page.get_by_label("Message").fill("Five questions about your last two weeks.")
    page.get_by_label("First reminder (optional)").fill((opens_on + timedelta(days=9)).isoformat())
    page.get_by_label("Reminders at").fill("17:30")
    page.get_by_role("button", name="Create campaign").click()

    # The invitation as students will get it, before the campaign opens.
    expect(page.locator("#invitation-subject")).to_contain_text(
        "invites you to a short survey: WHO-Five Well-Being Index"
    )
    expect(page.locator("#invitation-body")).to_contain_text(
        "Five questions about your last two weeks."
    )
    expect(page.locator("#reminders")).to_contain_text("at 17:30 school time")

    page.get_by_role("button", name=f"Send a test to {staff.email}").click()
    expect(page.get_by_text(f"Test invitation sent to {staff.email}")).to_be_visible()
    assert [email.to for email in mail.outbox] == [[staff.email]]  # never a student

    page.get_by_label("Repeat").select_option(label="Every few weeks (each term)")
    page.get_by_label("Every … weeks").fill("12")
    page.get_by_role("button", name="Make it repeat").click()
    expect(page.locator("#recurrence-status")).to_contain_text("Repeats every 12 weeks")
    campaign = Campaign.objects.get()
    assert (campaign.recurrence, campaign.every_weeks) == ("weeks", 12)
    screenshot("campaign-preview-and-repeat")

    page.get_by_role("button", name="Stop repeating").click()
    expect(page.locator("#recurrence-status")).to_contain_text("Runs once")
