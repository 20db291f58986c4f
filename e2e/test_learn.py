import pytest
from playwright.sync_api import expect

from conftest import with_totp
from e2e.steps import open_menu, sign_in
from e2e.test_accessibility import axe_page, serious_violations  # noqa: F401 (a fixture)
from learn.catalogue import shipped_lessons
from learn.models import LessonProgress, LessonReflection, TrackAssignment
from vault.services import decrypt_text

pytestmark = pytest.mark.django_db(transaction=True)
TRACK = "sleep-on-call"


def test_staff_assign_a_track_and_a_student_completes_a_lesson_and_reflects(
    page, staff, student, cohort, screenshot
):
    lesson = next(lesson for lesson in shipped_lessons() if lesson.track == TRACK)
    secret = with_totp(staff)

    sign_in(page, staff, secret)
    open_menu(page)
    page.get_by_role("link", name="Lessons").click()
    page.get_by_role("combobox", name="Cohort").select_option(label=str(cohort))
    page.get_by_role("combobox", name="Track").select_option(value=TRACK)
    page.get_by_label("Complete by (optional)").fill("2030-06-30")
    page.get_by_role("button", name="Assign track").click()

    expect(page.get_by_text("Track assigned.")).to_be_visible()
    expect(
        page.get_by_text(f"Sleep on call for {cohort}, complete by 30 June 2030")
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="Students who marked each lesson done, by cohort")
    ).to_be_visible()
    expect(page.get_by_text("published once a week, on the Wednesday")).to_be_visible()
    screenshot("staff-lessons")
    assert TrackAssignment.objects.filter(cohort=cohort, track=TRACK).exists()

    page.context.clear_cookies()
    sign_in(page, student)
    open_menu(page)
    page.get_by_role("link", name="Learn", exact=True).click()
    track = page.get_by_role("region", name="Sleep on call")
    expect(track.get_by_text("Assigned by your school: complete by 30 June 2030")).to_be_visible()
    screenshot("student-learn")

    track.get_by_role("link", name=lesson.title).click()
    expect(page.get_by_role("heading", name=lesson.title, level=1)).to_be_visible()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("You marked this lesson as done.")).to_be_visible()

    page.get_by_role("link", name="Write a reflection").click()
    page.get_by_label("Your reflection").fill("I will nap before my next night.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("I will nap before my next night.")).to_be_visible()
    screenshot("student-lesson-done")

    assert LessonProgress.objects.filter(student=student, lesson=lesson.slug).exists()
    reflection = LessonReflection.objects.get(student=student, lesson=lesson.slug)
    assert decrypt_text(student, reflection.body_encrypted) == "I will nap before my next night."

    page.goto("/learn/")
    expect(page.get_by_role("region", name="Sleep on call")).to_contain_text("1 of")


def test_learn_pages_have_no_serious_accessibility_violations(axe_page, student, staff):  # noqa: F811
    slug = shipped_lessons()[0].slug
    sign_in(axe_page, student)
    for path in ["/learn/", f"/learn/{slug}/", f"/learn/{slug}/reflection/"]:
        axe_page.goto(path)
        assert serious_violations(axe_page) == [], path
    axe_page.context.clear_cookies()
    sign_in(axe_page, staff, with_totp(staff))
    for path in ["/learn/school/", "/learn/school/lessons/new/"]:
        axe_page.goto(path)
        assert serious_violations(axe_page) == [], path
