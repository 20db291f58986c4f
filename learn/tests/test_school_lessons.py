import pytest
from django.urls import reverse

from conftest import with_totp
from learn.models import SchoolLesson
from vault.models import AuditEvent

from .factories import school_lesson

pytestmark = pytest.mark.django_db
NEW = {
    "title": "Rest at Riverside",
    "track": "boundaries-rest",
    "minutes": "4",
    "summary": "Where to rest.",
    "body": "## Rooms\n\nThe lounge on level 2. See <https://example.org/rooms>.",
    "sources": "Campus guide.",
    "published": "on",
}


@pytest.fixture
def signed_in(client, staff):
    with_totp(staff)
    client.force_login(staff)
    return client


def test_staff_write_a_lesson_for_their_school_and_it_is_audited(signed_in, school, staff):
    response = signed_in.post(reverse("learn_school_lesson_new"), NEW)

    assert response.status_code == 302
    [lesson] = SchoolLesson.objects.all()
    assert (lesson.school, lesson.title, lesson.minutes, lesson.published) == (
        school, "Rest at Riverside", 4, True,
    )  # fmt: skip
    assert AuditEvent.objects.filter(kind="school_lesson_changed", school_id=school.pk).exists()
    assert "Rest at Riverside" in signed_in.get(reverse("learn_school")).content.decode()


def test_a_lesson_of_nine_minutes_or_an_unknown_track_gets_field_errors(signed_in):
    response = signed_in.post(
        reverse("learn_school_lesson_new"), {**NEW, "minutes": "9", "track": "juggling"}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "minutes" in errors and "track" in errors
    assert not SchoolLesson.objects.exists()


@pytest.mark.parametrize(
    "body",
    ["## Rooms\n<script>alert(1)</script>", "Rest <b>here</b>.", "<img src=x onerror=alert(1)>"],
)
def test_html_in_a_lesson_gets_a_field_error_and_nothing_is_saved(signed_in, body):
    response = signed_in.post(reverse("learn_school_lesson_new"), {**NEW, "body": body})

    assert response.status_code == 200
    assert response.context["form"].errors["body"] == [
        "Lessons are Markdown; HTML tags like <script> are not allowed."
    ]
    assert "HTML tags like &lt;script&gt; are not allowed" in response.content.decode()
    assert not SchoolLesson.objects.exists()


def test_html_cannot_be_added_when_editing_either(signed_in, school):
    lesson = school_lesson(school)
    url = reverse("learn_school_lesson_edit", args=[lesson.pk])

    response = signed_in.post(url, {**NEW, "body": "Hi <iframe src=x></iframe>"})

    assert "body" in response.context["form"].errors
    lesson.refresh_from_db()
    assert "iframe" not in lesson.body


def test_tags_shown_as_code_and_autolinks_are_fine(signed_in, school):
    body = "Never paste `<script>` here; a < b; see <https://example.org>."

    response = signed_in.post(reverse("learn_school_lesson_new"), {**NEW, "body": body})

    assert response.status_code == 302
    assert SchoolLesson.objects.get().body == body


def test_unpublishing_hides_the_lesson_from_students(signed_in, client, school, student):
    lesson = school_lesson(school)
    url = reverse("learn_school_lesson_edit", args=[lesson.pk])

    page = signed_in.get(url)
    unticked = {k: v for k, v in NEW.items() if k != "published"}
    signed_in.post(url, {**unticked, "title": "Renamed"})

    assert page.status_code == 200
    lesson.refresh_from_db()
    assert (lesson.title, lesson.published) == ("Renamed", False)
    client.force_login(student)
    assert client.get(reverse("learn_lesson", args=[lesson.slug])).status_code == 404


def test_staff_of_another_school_cannot_edit_our_lesson(client, other_staff, school):
    lesson = school_lesson(school)
    with_totp(other_staff)
    client.force_login(other_staff)
    url = reverse("learn_school_lesson_edit", args=[lesson.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {**NEW, "title": "Hacked"}).status_code == 404
    lesson.refresh_from_db()
    assert lesson.title == "Rest rooms at Riverside"


def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, staff):
    client.force_login(staff)
    response = client.get(reverse("learn_school"))
    assert response.status_code == 302 and "/2fa/" in response["Location"]


def test_students_cannot_reach_the_staff_pages(client, student):
    client.force_login(student)
    assert client.get(reverse("learn_school")).status_code == 403
    assert client.post(reverse("learn_school_lesson_new"), NEW).status_code == 403
    assert not SchoolLesson.objects.exists()
