from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.data_ownership import delete_account
from support.circles import REMOVED, post_circle_message
from support.circles_content import prompt_of_the_week
from support.models import CircleBlock, CircleMembership, CircleMessage

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
    assert prompt_of_the_week(timezone.localdate()).replace("'", "&#x27;") in html
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
