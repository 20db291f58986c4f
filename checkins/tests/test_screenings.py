import pytest
from django.urls import reverse

from checkins.models import SafetyEvent, ScreeningResponse
from checkins.services import record_screening
from conftest import make_student

pytestmark = pytest.mark.django_db


def phq9_form(*answers, key="k1"):
    data = {"submission_key": key}
    data.update({f"item_{i}": str(a) for i, a in enumerate(answers, start=1) if a is not None})
    return data


def test_phq9_with_item_9_shows_crisis_resources_in_the_response_that_saves_it(client, student):
    client.force_login(student)

    response = client.post(
        reverse("screening_take", args=["phq9"]), phq9_form(1, 1, 1, 1, 0, 0, 0, 0, 1)
    )

    html = response.content.decode()
    assert response.status_code == 201
    assert "You don't have to handle this alone" in html
    assert 'href="tel:988"' in html
    assert "Score: 5" in html and "Mild" in html
    assert "a screening, not a diagnosis" in html.lower()
    saved = ScreeningResponse.objects.get(student=student)
    assert saved.flags == ["self_harm"]
    assert SafetyEvent.objects.filter(student=student, trigger="self_harm_answer").count() == 1


def test_a_result_without_the_flag_shows_no_crisis_block(client, student):
    client.force_login(student)

    html = client.post(
        reverse("screening_take", args=["phq9"]), phq9_form(0, 1, 0, 1, 0, 0, 0, 0, 0)
    ).content.decode()

    assert "handle this alone" not in html
    assert "Minimal" in html
    assert not SafetyEvent.objects.exists()


def test_a_double_submit_records_one_response(client, student):
    client.force_login(student)
    form = phq9_form(1, 1, 1, 1, 1, 1, 1, 1, 0, key="same")

    first = client.post(reverse("screening_take", args=["phq9"]), form)
    second = client.post(reverse("screening_take", args=["phq9"]), form)

    assert (first.status_code, second.status_code) == (201, 200)
    assert ScreeningResponse.objects.filter(student=student).count() == 1


def test_too_many_skipped_items_are_refused_but_a_self_harm_answer_still_shows_help(
    client, student
):
    client.force_login(student)

    response = client.post(
        reverse("screening_take", args=["phq9"]), phq9_form(1, None, None, None, 0, 0, 0, 0, 2)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "handle this alone" in html
    assert not ScreeningResponse.objects.exists()
    assert SafetyEvent.objects.filter(student=student).count() == 1


def test_out_of_range_answers_show_a_field_error(client, student):
    client.force_login(student)

    response = client.post(
        reverse("screening_take", args=["who5"]),
        {"submission_key": "k", **{f"item_{i}": "9" for i in range(1, 6)}},
    )

    assert "Select a valid choice" in response.content.decode()
    assert not ScreeningResponse.objects.exists()


@pytest.mark.parametrize(("instrument_id", "n_items"), [("phq9", 9), ("gad7", 7)])
def test_the_unscored_difficulty_question_is_asked_kept_and_exported(
    client, student, instrument_id, n_items
):
    client.force_login(student)
    url = reverse("screening_take", args=[instrument_id])
    question = f"{n_items + 1}. If you checked off any problems, how difficult"

    assert question in client.get(url).content.decode()
    answers = [1] * n_items + [2]
    response = client.post(url, phq9_form(*answers))

    assert response.status_code == 201
    assert f"Score: {n_items}" in response.content.decode()  # question 10 adds nothing
    saved = ScreeningResponse.objects.get(student=student)
    assert saved.answers == answers and saved.score == n_items
    exported = client.get(f"/api/screenings/{saved.pk}/fhir").json()
    difficulty = next(i for i in exported["item"] if i["linkId"] == str(n_items + 1))
    assert difficulty["answer"][0]["valueCoding"]["display"] == "Very difficult"


def test_the_difficulty_question_may_be_left_out(client, student):
    client.force_login(student)

    response = client.post(
        reverse("screening_take", args=["phq9"]), phq9_form(0, 1, 0, 1, 0, 0, 0, 0, 0)
    )

    assert response.status_code == 201
    assert ScreeningResponse.objects.get(student=student).answers == [
        0,
        1,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        None,
    ]


def test_prorated_phq9_says_so(client, student):
    client.force_login(student)

    html = client.post(
        reverse("screening_take", args=["phq9"]), phq9_form(2, 2, None, 2, 2, 2, 2, 2, 0)
    ).content.decode()

    assert "Score: 16" in html  # 14 from 8 items, x 9/8 = 15.75, rounded half up
    assert "estimated from your other answers" in html


def test_result_compares_with_the_previous_one(client, student):
    record_screening(
        student=student, instrument_id="who5", answers=[3, 3, 3, 3, 3], submission_key="a"
    )
    client.force_login(student)

    html = client.post(
        reverse("screening_take", args=["who5"]),
        {"submission_key": "b", **{f"item_{i}": "2" for i in range(1, 6)}},
    ).content.decode()

    assert "your score was 60" in html
    assert "the change is -20" in html


def test_unknown_instrument_is_404(client, student):
    client.force_login(student)

    assert client.get(reverse("screening_take", args=["mbi"])).status_code == 404


def test_a_classmates_result_is_404(client, student, cohort):
    other = make_student(cohort, "other@riverside.example")
    theirs = record_screening(
        student=other, instrument_id="who5", answers=[1, 1, 1, 1, 1], submission_key="x"
    ).response
    client.force_login(student)

    assert client.get(reverse("screening_result", args=[theirs.pk])).status_code == 404


def test_screenings_page_lists_due_defaults_and_changes_a_reminder(client, student):
    client.force_login(student)

    html = client.get(reverse("screenings")).content.decode()
    assert html.count(">due<") == 4  # WHO-5, UCLA-3, PHQ-9, GAD-7 by default

    client.post(reverse("screening_schedule"), {"instrument": "phq9", "every_days": ""})
    client.post(reverse("screening_schedule"), {"instrument": "pss10", "every_days": "7"})
    assert client.get(reverse("screenings")).content.decode().count(">due<") == 4

    bad = client.post(
        reverse("screening_schedule"), {"instrument": "pss10", "every_days": "2"}, follow=True
    )
    assert "Reminder not changed" in bad.content.decode()


@pytest.mark.django_db
def test_a_school_survey_says_so_on_its_screening_page(client, student, cohort):
    """The walkthrough: the survey page gave no context. With a survey of this screening open
    for the student, the page shows the school's message and what the school will see."""
    from cohorts.tests.campaign_factories import open_campaign

    open_campaign(cohort, instrument="who5")
    client.force_login(student)

    survey = client.get("/screenings/who5/").content.decode()
    other = client.get("/screenings/phq9/").content.decode()

    assert "A survey from your school" in survey
    assert "Two minutes, anonymous to the school." in survey
    assert "at least 10 students" in survey
    assert "A survey from your school" not in other
