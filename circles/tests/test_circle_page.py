from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.data_ownership import delete_account
from circles.content import prompt_of_the_week
from circles.models import CircleBlock, CircleMembership, CircleMessage
from circles.services import REMOVED, post_circle_message
from conftest import make_student

from .circle_factories import circle_with

pytestmark = pytest.mark.django_db

SECRET = "Scrubbed in for a Whipple today and nearly fainted"


def test_members_see_pseudonyms_the_prompt_the_meet_up_and_the_guidelines(client, student, cohort):
    circle, peers = circle_with(student, cohort)
    client.force_login(student)

    html = client.get(reverse("circle", args=[circle.pk])).content.decode()

    for name in ["Heron (you)", "Cedar", "Fern", "Otter"]:
        assert name in html
    for user in [student, *peers]:
        assert user.email not in html
    assert prompt_of_the_week(cohort.school.today()).replace("'", "&#x27;") in html
    assert "Meet up" in html and "Community guidelines" in html
    assert "Need help now" in html


def test_a_member_posts_and_the_others_read_it(client, student, cohort):
    circle, peers = circle_with(student, cohort)
    client.force_login(student)

    response = client.post(reverse("circle", args=[circle.pk]), {"body": SECRET}, follow=True)

    assert "Posted to your circle." in response.content.decode()
    client.force_login(peers[0])
    assert SECRET in client.get(reverse("circle", args=[circle.pk])).content.decode()


def test_the_text_is_stored_encrypted_under_the_authors_key(student, cohort):
    circle, _ = circle_with(student, cohort)
    message = post_circle_message(student=student, circle_id=circle.pk, body=SECRET)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM support_circlemessage WHERE id = %s", [message.pk])
        raw = cursor.fetchone()
    stored = b"".join(
        bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in raw
    )
    assert b"Whipple" not in stored


def test_someone_not_in_the_circle_gets_404_and_writes_nothing(client, student, classmate, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(classmate)

    assert client.get(reverse("circle", args=[circle.pk])).status_code == 404
    assert client.post(reverse("circle", args=[circle.pk]), {"body": "hi"}).status_code == 404
    assert not CircleMessage.objects.exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [("   \n ", "Write something before posting."), ("x" * 2001, "Keep a message under 2,000")],
)
def test_empty_or_oversized_messages_are_refused(client, student, cohort, body, error):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)

    response = client.post(reverse("circle", args=[circle.pk]), {"body": body})

    assert error in response.content.decode()
    assert not CircleMessage.objects.exists()


def test_the_eleventh_message_in_ten_minutes_waits(client, student, cohort):
    circle, _ = circle_with(student, cohort)
    for i in range(10):
        post_circle_message(student=student, circle_id=circle.pk, body=f"message {i}")
    client.force_login(student)

    response = client.post(reverse("circle", args=[circle.pk]), {"body": "one more"})

    assert "You&#x27;ve posted 10 messages in 10 minutes." in response.content.decode()
    assert CircleMessage.objects.count() == 10
    CircleMessage.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    post_circle_message(student=student, circle_id=circle.pk, body="later")


def test_a_crisis_looking_message_shows_the_writer_help_first(client, student, cohort):
    circle, peers = circle_with(student, cohort)
    client.force_login(student)
    url = reverse("circle", args=[circle.pk])

    response = client.post(url, {"body": "Some nights I want to die"})

    html = response.content.decode()
    assert "You don't have to handle this alone" in html
    assert "Post anyway" in html and "Some nights I want to die" in html
    assert not CircleMessage.objects.exists()

    client.post(url, {"body": "Some nights I want to die", "post_anyway": "True"})

    assert CircleMessage.objects.count() == 1


def test_the_crisis_resources_come_first_on_the_page_focused_and_announced(client, student, cohort):
    circle, peers = circle_with(student, cohort)
    for i in range(5):
        post_circle_message(student=peers[i % len(peers)], circle_id=circle.pk, body=SECRET)
    client.force_login(student)

    html = client.post(reverse("circle", args=[circle.pk]), {"body": CRISIS}).content.decode()

    crisis = html.index('id="crisis"')
    # Before the circle's name, its members and every message: not below the board.
    assert crisis < html.index("<h1") < html.index(SECRET)
    first_line = html[crisis : html.index("</p>", crisis)]
    assert 'role="alert"' in first_line and "autofocus" in first_line
    assert "Before you post" in first_line
    assert html.count("You don't have to handle this alone") == 1
    assert 'href="#message-form"' in html and 'id="message-form"' in html


def test_after_posting_the_page_opens_at_the_new_message(client, student, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)

    response = client.post(reverse("circle", args=[circle.pk]), {"body": SECRET})

    message = CircleMessage.objects.get()
    assert response.url == f"{reverse('circle', args=[circle.pk])}#message-{message.pk}"
    assert f'id="message-{message.pk}"' in client.get(response.url).content.decode()


def test_a_message_of_a_deleted_account_reads_message_removed(client, student, cohort):
    circle, peers = circle_with(student, cohort)
    post_circle_message(student=peers[0], circle_id=circle.pk, body=SECRET)

    delete_account(user=peers[0])

    client.force_login(student)
    html = client.get(reverse("circle", args=[circle.pk])).content.decode()
    assert SECRET not in html and REMOVED in html
    assert bytes(CircleMessage.objects.get().body_encrypted) == b""


def test_blocking_hides_their_messages_for_me_only(client, student, cohort):
    circle, peers = circle_with(student, cohort)
    post_circle_message(student=peers[0], circle_id=circle.pk, body=SECRET)
    member = CircleMembership.objects.get(profile__student=peers[0])
    client.force_login(student)

    response = client.post(reverse("circle_block", args=[circle.pk, member.pk]), follow=True)

    html = response.content.decode()
    assert "You blocked Cedar." in html and SECRET not in html
    assert CircleBlock.objects.filter(blocker=student, blocked=peers[0]).exists()
    client.force_login(peers[1])
    assert SECRET in client.get(reverse("circle", args=[circle.pk])).content.decode()


def test_one_cannot_block_oneself_or_a_stranger(client, student, classmate, cohort):
    circle, _ = circle_with(student, cohort)
    mine = CircleMembership.objects.get(profile__student=student)
    client.force_login(student)
    assert client.post(reverse("circle_block", args=[circle.pk, mine.pk])).status_code == 404
    assert client.post(reverse("circle_block", args=[circle.pk, 999999])).status_code == 404
    assert not CircleBlock.objects.exists()


def test_leaving_a_circle(client, student, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)

    response = client.post(reverse("circle_leave", args=[circle.pk]), follow=True)

    assert f"You left {circle.name}." in response.content.decode()
    assert circle.memberships.count() == 3
    assert client.get(reverse("circle", args=[circle.pk])).status_code == 404


def test_the_circle_page_costs_the_same_with_more_messages(
    client, student, cohort, django_assert_max_num_queries
):
    circle, peers = circle_with(student, cohort)
    for i in range(3):
        post_circle_message(student=peers[i % 3], circle_id=circle.pk, body=f"note {i}")
    client.force_login(student)
    client.get(reverse("circle", args=[circle.pk]))

    # One data-key read per message shown, capped by MESSAGES_SHOWN; the rest is fixed.
    with django_assert_max_num_queries(22):
        client.get(reverse("circle", args=[circle.pk]))


CRISIS = "I want to kill myself"


def test_a_crisis_message_over_the_rate_limit_still_gets_the_crisis_resources(
    client, student, cohort
):
    circle, _ = circle_with(student, cohort)
    for i in range(10):
        post_circle_message(student=student, circle_id=circle.pk, body=f"note {i}")
    client.force_login(student)

    html = client.post(reverse("circle", args=[circle.pk]), {"body": CRISIS}).content.decode()
    anyway = client.post(
        reverse("circle", args=[circle.pk]), {"body": CRISIS, "post_anyway": "True"}
    ).content.decode()

    assert "You don't have to handle this alone" in html
    assert "Take a breather" in anyway and "988" in anyway


def test_an_oversized_crisis_message_gets_the_length_error_and_the_resources(
    client, student, cohort
):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)
    body = CRISIS + " " + "x" * 2100

    html = client.post(
        reverse("circle", args=[circle.pk]), {"body": body, "post_anyway": "True"}
    ).content.decode()

    assert "Keep a message under 2,000" in html and "988" in html
    assert not CircleMessage.objects.exists()


def test_a_double_click_posts_once(client, student, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)

    for _ in range(2):
        client.post(reverse("circle", args=[circle.pk]), {"body": "See you Thursday"})
    post_circle_message(student=student, circle_id=circle.pk, body="Something else")

    assert CircleMessage.objects.filter(author=student).count() == 2


def test_the_meet_up_line_needs_three_members_free_at_the_same_time(client, student, cohort):
    from .circle_factories import join

    peers = [make_student(cohort, f"peer{i}@riverside.example", rotation=None) for i in range(3)]
    two_free = [["weekday_evenings"], ["weekday_evenings"], [], []]
    names = ["Heron", "Cedar", "Fern", "Otter"]
    for user, name, slots in zip([student, *peers], names, two_free, strict=True):
        join(user, name, availability=slots)
    circle = student.circle_profile.memberships.get().circle
    client.force_login(student)

    html = client.get(reverse("circle", args=[circle.pk])).content.decode()
    assert "2 of 4 of you are free" not in html and "None of you has shared" in html

    join(peers[2], "Otter", availability=["weekday_evenings"])
    html = client.get(reverse("circle", args=[circle.pk])).content.decode()
    assert "3 of 4 of you are free on weekday evenings" in html


def test_the_profile_form_says_what_peers_see_besides_the_pseudonym(client, student):
    client.force_login(student)
    html = client.get(reverse("circle_profile")).content.decode()
    assert "nothing else" not in html and "at least 3 of your circle are free" in html


def test_a_wellness_lead_cannot_read_a_circle_on_the_page_or_the_api(
    client, school, student, cohort
):
    from conftest import make_staff, with_totp
    from schools.models import StaffRole

    circle, peers = circle_with(student, cohort)
    post_circle_message(student=peers[0], circle_id=circle.pk, body=SECRET)
    lead = make_staff(school, "wellness@riverside.example", role=StaffRole.WELLNESS_LEAD)
    with_totp(lead)
    client.force_login(lead)

    page = client.get(reverse("circle", args=[circle.pk]))
    api = client.get(f"/api/circles/{circle.pk}/messages")

    assert page.status_code in {403, 404} and api.status_code in {403, 404}
    assert SECRET not in page.content.decode() + api.content.decode()


def test_a_circle_the_student_is_not_in_is_refused_by_a_domain_error_not_an_http_one(student):
    from django.http import Http404

    from circles.services import NotInYourCircles, circle_of_member

    with pytest.raises(NotInYourCircles) as refusal:
        circle_of_member(student, 999_999)
    assert not isinstance(refusal.value, Http404)
