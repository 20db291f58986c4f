from django.db import transaction

from accounts.personal_data import PersonalDataset, register
from vault.services import decrypt_text

from .models import CircleBlock, CircleMessage, CircleProfile, MessageReport
from .services import record_week_start_counts


def export_circle_profile(user) -> list[dict]:
    return [
        {
            "pseudonym": p.pseudonym,
            "share_cohort": p.share_cohort,
            "share_rotation": p.share_rotation,
            "interests": ", ".join(p.interests),
            "time_zone": p.time_zone,
            "availability": ", ".join(p.availability),
            "wants_buddy": p.wants_buddy,
            "guidelines_accepted_at": p.guidelines_accepted_at,
            "circles": ", ".join(m.circle.name for m in p.memberships.select_related("circle")),
        }
        for p in CircleProfile.objects.filter(student=user)
    ]


def export_circle_messages(user) -> list[dict]:
    return [
        {
            "circle": m.circle.name,
            "created_at": m.created_at,
            "pseudonym": m.author_pseudonym,
            "text": decrypt_text(user, m.body_encrypted) if bytes(m.body_encrypted) else "",
            "removed_by_wellness_lead": m.removed_at is not None,
            "withdrawn_when_you_left_circles": m.withdrawn_at is not None,
        }
        for m in CircleMessage.objects.select_related("circle").filter(author=user)
    ]


def export_circle_safety(user) -> list[dict]:
    """Reports made and members blocked, by pseudonym: what the student did, not others' data."""
    reports = [
        {
            "action": "reported a message",
            "pseudonym": r.message.author_pseudonym,
            "reason": r.get_reason_display(),
            "at": r.created_at,
        }
        for r in MessageReport.objects.select_related("message").filter(reporter=user)
    ]
    blocks = [
        {
            "action": "blocked a member",
            "pseudonym": b.blocked_pseudonym,
            "reason": "",
            "at": b.created_at,
        }
        for b in CircleBlock.objects.filter(blocker=user)
    ]
    return reports + blocks


def forget_circle_messages(user) -> None:
    # The data key goes with the account, so the text is unreadable anyway; wipe it too so the
    # board says "message removed" rather than holding ciphertext nobody can open.
    CircleMessage.objects.filter(author=user).update(
        body_encrypted=b"", author=None, author_pseudonym=""
    )


def forget_circle_profile(user) -> None:
    # Leaving changes the school's counts: keep the week-start ones first (see the snapshot).
    profile = CircleProfile.objects.filter(student=user).select_related("school").first()
    if profile is not None:
        with transaction.atomic():
            record_week_start_counts(school=profile.school)


def register_datasets() -> None:
    register(
        PersonalDataset(
            "circle_profile",
            "your peer-circle profile",
            export_circle_profile,
            forget=forget_circle_profile,
        )
    )
    register(
        PersonalDataset(
            "circle_messages",
            "messages you wrote in peer circles",
            export_circle_messages,
            forget=forget_circle_messages,
        )
    )
    register(
        PersonalDataset(
            "circle_safety", "messages you reported and members you blocked", export_circle_safety
        )
    )
