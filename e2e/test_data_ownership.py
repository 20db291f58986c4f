import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from accounts.models import User
from checkins.models import CheckIn
from conftest import PASSWORD
from e2e.steps import open_menu, sign_in
from habits.models import HabitLog
from habits.services import enable_default_habit

pytestmark = pytest.mark.django_db(transaction=True)


def test_habit_logged_from_the_checkin_page(page, student):
    enable_default_habit(student=student, kind="exercise")
    sign_in(page, student)
    page.goto("/checkin/")

    page.get_by_role("button", name="Exercise").first.click()

    expect(page.get_by_role("button", name="Exercise").first).to_have_attribute(
        "aria-pressed", "true"
    )
    assert HabitLog.objects.filter(habit__student=student).count() == 1


def test_student_exports_then_deletes_everything(page, student, screenshot):
    sign_in(page, student)
    page.goto("/checkin/")
    for question, answer in [
        ("How is your mood today?", "3"),
        ("How stressed do you feel?", "4"),
        ("How much energy do you have?", "2"),
        ("How well did you sleep?", "2"),
        ("How lonely have you felt today?", "4"),
        ("How strong is your sense of purpose today?", "4"),
    ]:
        page.get_by_role("group", name=question).get_by_role("radio", name=answer).check()
    page.get_by_label("How many hours did you sleep?").fill("6")
    page.get_by_label("Anything on your mind?").fill("only mine")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Checked in.")).to_be_visible()

    open_menu(page)
    page.get_by_role("link", name="Your data").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert {"README.txt", "account.json", "checkins.json", "checkins.csv"} <= set(
        archive.namelist()
    )
    assert json.loads(archive.read("checkins.json"))[0]["note"] == "only mine"

    page.get_by_role("link", name="Delete my data…").click()
    # Deleting everything needs the password again.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Type “delete my data” to confirm").fill("delete my data")
    screenshot("delete-confirm")
    page.get_by_role("button", name="Delete my account and all my data").click()

    expect(page.get_by_role("heading", name="Your data is deleted.")).to_be_visible()
    assert not User.objects.filter(pk=student.pk).exists()
    assert not CheckIn.objects.exists()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()
