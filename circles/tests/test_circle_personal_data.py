import io
import json
import zipfile

import pytest
from django.urls import reverse

from circles.models import CircleMembership, CircleMessage, CircleProfile, MessageReport
from circles.services import block_circle_member, post_circle_message, report_circle_message

from .circle_factories import circle_with

pytestmark = pytest.mark.django_db


def test_my_export_holds_my_profile_my_messages_and_what_i_reported(client, student, cohort):
    circle, peers = circle_with(student, cohort)
    post_circle_message(student=student, circle_id=circle.pk, body="my own words")
    theirs = post_circle_message(student=peers[0], circle_id=circle.pk, body="their words")
    report_circle_message(student=student, message_id=theirs.pk, reason="spam")
    member = CircleMembership.objects.get(profile__student=peers[1])
    block_circle_member(student=student, circle_id=circle.pk, member_id=member.pk)
    client.force_login(student)

    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("export_my_data")).content))

    profile = json.loads(archive.read("circle_profile.json"))
    messages = json.loads(archive.read("circle_messages.json"))
    safety = json.loads(archive.read("circle_safety.json"))
    assert profile[0]["pseudonym"] == "Heron" and circle.name in profile[0]["circles"]
    assert [m["text"] for m in messages] == ["my own words"]
    assert {(s["action"], s["pseudonym"]) for s in safety} == {
        ("reported a message", "Cedar"),
        ("blocked a member", "Fern"),
    }
    assert (
        "their words" not in str(archive.namelist()) + archive.read("circle_messages.json").decode()
    )


def test_deleting_an_account_removes_the_profile_and_leaves_message_removed(
    client, student, cohort
):
    circle, peers = circle_with(student, cohort)
    post_circle_message(student=student, circle_id=circle.pk, body="my own words")
    theirs = post_circle_message(student=peers[0], circle_id=circle.pk, body="their words")
    report_circle_message(student=student, message_id=theirs.pk, reason="spam")
    from accounts.data_ownership import delete_account

    uid = student.pk
    delete_account(user=student)

    assert not CircleProfile.objects.filter(student_id=uid).exists()
    assert circle.memberships.count() == 3
    mine = CircleMessage.objects.get(author__isnull=True)
    assert bytes(mine.body_encrypted) == b""
    assert mine.author_pseudonym == ""
    assert not CircleMessage.objects.filter(author_pseudonym="Heron").exists()
    assert not MessageReport.objects.exists()
    client.force_login(peers[0])
    board = client.get(reverse("circle", args=[circle.pk])).content.decode()
    assert "<strong>Heron</strong>" not in board and "former member" in board


def test_the_export_names_a_blocked_member_as_they_were_when_blocked(client, student, cohort):
    from .circle_factories import join

    circle, peers = circle_with(student, cohort)
    member = CircleMembership.objects.get(profile__student=peers[1])
    block_circle_member(student=student, circle_id=circle.pk, member_id=member.pk)
    join(peers[1], "Renamed Later")
    client.force_login(student)

    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("export_my_data")).content))

    safety = archive.read("circle_safety.json").decode()
    assert "Fern" in safety and "Renamed Later" not in safety
