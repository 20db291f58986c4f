import pytest
from django.core.management import call_command
from django.urls import reverse

from circles.models import Circle, CircleProfile
from conftest import make_student, with_totp

from .circle_factories import circle_with, join

pytestmark = pytest.mark.django_db

JOIN = {
    "pseudonym": "Quiet Heron",
    "share_cohort": "on",
    "interests": ["running", "music"],
    "time_zone": "America/New_York",
    "availability": ["weekday_evenings"],
    "accept_guidelines": "on",
}


def test_a_student_opts_in_under_a_pseudonym_and_waits_for_three_more(client, student):
    client.force_login(student)
    page = client.get(reverse("circle_profile")).content.decode()
    assert "Community guidelines" in page

    response = client.post(reverse("circle_profile"), JOIN, follow=True)

    html = response.content.decode()
    assert "Welcome to peer circles." in html
    assert "We&#x27;ll match you when 3 more students have opted in." in html
    profile = CircleProfile.objects.get(student=student)
    assert profile.pseudonym == "Quiet Heron"
    assert profile.interests == ["running", "music"]
    assert profile.guidelines_accepted_at is not None
    assert not Circle.objects.exists()


def test_joining_needs_the_guidelines_accepted(client, student):
    client.force_login(student)
    response = client.post(reverse("circle_profile"), {**JOIN, "accept_guidelines": ""})
    assert "tick the box to join" in response.content.decode()
    assert not CircleProfile.objects.exists()


@pytest.mark.parametrize(
    ("pseudonym", "message"),
    [
        ("me@gmail.com", "looks like an email"),
        ("student", "That is your real name or email"),
        ("x", "Use 3-30 letters"),
        ("<script>", "Use 3-30 letters"),
    ],
)
def test_a_pseudonym_that_could_identify_or_break_is_refused(client, student, pseudonym, message):
    client.force_login(student)
    response = client.post(reverse("circle_profile"), {**JOIN, "pseudonym": pseudonym})
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not CircleProfile.objects.exists()


def test_a_pseudonym_is_unique_per_school_whatever_the_case(client, student, classmate):
    join(classmate, "Quiet Heron")
    client.force_login(student)
    response = client.post(reverse("circle_profile"), {**JOIN, "pseudonym": "quiet HERON"})
    assert "Someone at your school already uses that name." in response.content.decode()
    assert not CircleProfile.objects.filter(student=student).exists()


def test_a_taken_pseudonym_comes_with_a_free_one_to_use(client, student, classmate, cohort):
    join(classmate, "Quiet Heron")
    join(make_student(cohort, "third@riverside.example"), "Quiet Heron 2")
    client.force_login(student)

    response = client.post(reverse("circle_profile"), {**JOIN, "pseudonym": "Quiet Heron"})

    assert "“Quiet Heron 3” is free, or choose another." in response.content.decode()


def test_the_fourth_student_to_opt_in_forms_a_circle(client, student, cohort):
    peers = [make_student(cohort, f"p{i}@riverside.example") for i in range(3)]
    for user, name in zip(peers, ["Cedar", "Fern", "Otter"], strict=True):
        join(user, name)
    assert not Circle.objects.exists()
    client.force_login(student)

    response = client.post(reverse("circle_profile"), JOIN, follow=True)

    circle = Circle.objects.get()
    assert circle.memberships.count() == 4
    html = response.content.decode()
    assert circle.name in html and "Cedar" in html
    for peer in peers:
        assert peer.email not in html


def test_changing_what_one_shares_keeps_the_circle(client, student, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)

    client.post(reverse("circle_profile"), {"pseudonym": "Heron", "interests": ["faith"]})

    profile = CircleProfile.objects.get(student=student)
    assert profile.interests == ["faith"] and not profile.share_cohort
    assert circle.memberships.filter(profile=profile).exists()


def test_opting_out_removes_the_profile_and_memberships_and_wipes_the_messages(
    client, student, cohort
):
    circle, peers = circle_with(student, cohort)
    client.force_login(student)
    client.post(reverse("circle", args=[circle.pk]), {"body": "Hello all"})

    client.post(reverse("circle_opt_out"))

    assert not CircleProfile.objects.filter(student=student).exists()
    assert circle.memberships.count() == 3
    message = circle.messages.get()
    assert bytes(message.body_encrypted) == b"" and message.author_pseudonym == ""
    client.force_login(peers[0])
    html = client.get(reverse("circle", args=[circle.pk])).content.decode()
    assert "Hello all" not in html and "Heron" not in html
    assert "former member" in html and "message removed" in html


def test_after_leaving_a_student_can_ask_for_a_new_circle(client, student, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)
    client.post(reverse("circle_leave", args=[circle.pk]))
    assert "Match me again" in client.get(reverse("circles")).content.decode()

    response = client.post(reverse("circle_look_again"), follow=True)

    assert "You are back in the queue" in response.content.decode()
    assert CircleProfile.objects.get(student=student).looking


def test_staff_cannot_opt_in(client, staff):
    with_totp(staff)
    client.force_login(staff)
    assert client.post(reverse("circle_profile"), JOIN).status_code == 403
    assert not CircleProfile.objects.exists()


def test_match_circles_command_matches_waiting_students(student, cohort):
    peers = [make_student(cohort, f"p{i}@riverside.example") for i in range(3)]
    for user, name in zip([student, *peers], ["Cedar", "Fern", "Otter", "Wren"], strict=True):
        join(user, name)
    Circle.objects.all().delete()

    call_command("match_circles")

    assert Circle.objects.get().memberships.count() == 4


def test_a_circle_that_shrank_below_four_is_matched_again_when_someone_joins(
    client, cohort, student
):
    from circles.models import Circle
    from circles.services import leave_circle, waiting_message
    from conftest import make_student

    from .circle_factories import join

    circle, peers = circle_with(student, cohort)
    leave_circle(student=peers[0], circle_id=circle.pk)
    remaining = [student, *peers[1:]]
    assert waiting_message(student.circle_profile) is not None  # three left: waiting again

    join(make_student(cohort, "late@riverside.example", rotation=None), "Latecomer")

    new = Circle.objects.exclude(pk=circle.pk).get(kind=Circle.Kind.CIRCLE)
    assert {m.profile.student_id for m in new.memberships.all()} >= {u.pk for u in remaining}
    assert circle.memberships.count() == 0
    assert all(u.circle_profile.memberships.count() == 1 for u in remaining)


def test_a_buddy_left_alone_is_paired_again(cohort, student):
    from circles.models import Circle
    from circles.services import leave_circle
    from conftest import make_cohort, make_student

    from .circle_factories import join

    other_year = make_cohort(cohort.school, 2030)
    first = make_student(other_year, "buddy1@riverside.example", rotation=None)
    join(student, "Heron", wants_buddy=True)
    join(first, "Cedar", wants_buddy=True)
    pair = Circle.objects.get(kind=Circle.Kind.BUDDY)
    leave_circle(student=first, circle_id=pair.pk)

    join(
        make_student(other_year, "buddy2@riverside.example", rotation=None),
        "Fern",
        wants_buddy=True,
    )

    mine = Circle.objects.get(kind=Circle.Kind.BUDDY, memberships__profile__student=student)
    assert mine.pk != pair.pk and mine.memberships.count() == 2
