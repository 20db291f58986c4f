import re

import pytest
from django.db import connection
from django.urls import reverse

from conftest import with_totp
from insights.models import MAX_REFLECTION_CHARS, Reflection
from insights.prompts import prompt_of_the_day
from insights.selectors import reflection_body
from insights.services import update_reflection, write_reflection
from schools.selectors import enrollment_for

pytestmark = pytest.mark.django_db

SECRET = "I cried in the supply room after rounds."


def test_student_writes_a_reflection_to_the_prompt_of_the_day(client, student):
    client.force_login(student)
    prompt = prompt_of_the_day(enrollment_for(student).school.today())

    form = client.get(reverse("reflection_new")).content.decode()
    response = client.post(
        reverse("reflection_new"), {"body": SECRET, "use_prompt": "on"}, follow=True
    )

    assert prompt in form
    html = response.content.decode()
    assert "Reflection saved. Only you can read it." in html
    assert SECRET in html and prompt in html
    reflection = Reflection.objects.get(student=student)
    assert reflection.prompt == prompt
    assert reflection.school == enrollment_for(student).school


def test_the_prompt_is_optional(client, student):
    client.force_login(student)
    client.post(reverse("reflection_new"), {"body": SECRET})
    assert Reflection.objects.get(student=student).prompt == ""


def test_the_body_is_never_stored_in_plaintext(student):
    reflection = write_reflection(student=student, body=SECRET)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM insights_reflection WHERE id = %s", [reflection.pk])
        raw = cursor.fetchone()
    stored = b"".join(
        bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in raw
    )
    assert b"supply room" not in stored
    assert reflection_body(Reflection.objects.get(pk=reflection.pk)) == SECRET


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "a reflection cannot be empty"),
        ("x" * (MAX_REFLECTION_CHARS + 1), "Keep a reflection under 10,000 characters."),
    ],
)
def test_empty_or_too_long_shows_the_error_by_the_field_and_writes_nothing(
    client, student, body, message
):
    client.force_login(student)

    response = client.post(reverse("reflection_new"), {"body": body})

    assert response.status_code == 200
    assert message in response.content.decode()
    # The message is the one the field names (Django's aria-describedby), so it is read out.
    assert 'id="id_body_error"' in response.content.decode()
    assert re.search(
        r'<textarea[^>]*aria-describedby="[^"]*id_body_error', response.content.decode()
    )
    assert not Reflection.objects.exists()


def test_a_forged_prompt_is_refused(student):
    with pytest.raises(Exception, match="prompt of the day"):
        write_reflection(student=student, body=SECRET, prompt="<b>anything</b>")
    assert not Reflection.objects.exists()


def test_edit_and_delete_with_a_confirmation_page(client, student):
    reflection = write_reflection(student=student, body=SECRET)
    client.force_login(student)

    edit = client.get(reverse("reflection_edit", args=[reflection.pk])).content.decode()
    client.post(reverse("reflection_edit", args=[reflection.pk]), {"body": "Better today."})

    assert SECRET in edit
    assert reflection_body(Reflection.objects.get()) == "Better today."
    confirm = client.get(reverse("reflection_delete", args=[reflection.pk]))
    assert "Delete this reflection?" in confirm.content.decode()
    assert Reflection.objects.exists()
    client.post(reverse("reflection_delete", args=[reflection.pk]))
    assert not Reflection.objects.exists()


def test_an_empty_edit_keeps_the_old_text(client, student):
    reflection = write_reflection(student=student, body=SECRET)
    client.force_login(student)

    response = client.post(reverse("reflection_edit", args=[reflection.pk]), {"body": ""})

    assert "a reflection cannot be empty" in response.content.decode()
    assert reflection_body(Reflection.objects.get()) == SECRET


def test_a_classmate_gets_404_for_someone_elses_reflection(client, student, classmate):
    reflection = write_reflection(student=student, body=SECRET)
    client.force_login(classmate)

    for name in ["reflection_edit", "reflection_delete"]:
        url = reverse(name, args=[reflection.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "mine now"}).status_code == 404
    journal = client.get(reverse("journal")).content.decode()
    assert SECRET not in journal
    assert reflection_body(Reflection.objects.get()) == SECRET


def test_the_service_refuses_anothers_reflection(student, classmate):
    reflection = write_reflection(student=student, body=SECRET)
    with pytest.raises(Exception, match="Only the author"):
        update_reflection(student=classmate, reflection=reflection, body="mine")


def test_staff_get_403_and_anonymous_go_to_sign_in(client, student, staff):
    reflection = write_reflection(student=student, body=SECRET)
    urls = [
        reverse("journal"),
        reverse("reflection_new"),
        reverse("reflection_edit", args=[reflection.pk]),
        reverse("reflection_delete", args=[reflection.pk]),
    ]
    for url in urls:
        assert client.get(url)["Location"].startswith(reverse("account_login"))
        assert client.post(url, {"body": "x"})["Location"].startswith(reverse("account_login"))
    with_totp(staff)
    client.force_login(staff)
    for url in urls:
        assert client.get(url).status_code == 403
        assert client.post(url, {"body": "x"}).status_code == 403
    assert Reflection.objects.count() == 1
    assert reflection_body(Reflection.objects.get()) == SECRET


def test_journal_lists_newest_first_in_pages(client, student, django_assert_max_num_queries):
    for i in range(25):
        write_reflection(student=student, body=f"Entry number {i}")
    client.force_login(student)

    with django_assert_max_num_queries(30):
        first = client.get(reverse("journal")).content.decode()
    second = client.get(reverse("journal"), {"page": 2}).content.decode()

    assert "Entry number 24" in first and "Entry number 4" not in first
    assert "Page 1 of 2" in first
    assert "Entry number 0" in second
