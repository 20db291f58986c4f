from dataclasses import asdict
from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from accounts.decorators import require_student
from lib.api_types import ErrorOut
from support.api_types import CrisisOut, crisis_payload

from . import services as circles
from .content import TIME_ZONES
from .models import MAX_MESSAGE_CHARS, Availability, Interest, ReportReason

circles_router = Router(tags=["circles"])

InterestChoice = Literal[tuple(Interest.values)]  # type: ignore[valid-type]
AvailabilityChoice = Literal[tuple(Availability.values)]  # type: ignore[valid-type]
TimeZoneChoice = Literal[("", *dict(TIME_ZONES))]  # type: ignore[valid-type]
ReasonChoice = Literal[tuple(ReportReason.values)]  # type: ignore[valid-type]


class ProfileIn(Schema):
    pseudonym: str = Field(..., min_length=1, max_length=30, description="Shown to peers.")
    share_cohort: bool = True
    share_rotation: bool = False
    interests: list[InterestChoice] = Field(default_factory=list, max_length=20)
    time_zone: TimeZoneChoice = ""
    availability: list[AvailabilityChoice] = Field(default_factory=list, max_length=10)
    wants_buddy: bool = False
    accept_guidelines: bool = Field(
        False, description="Required (true) to join: the community guidelines were read."
    )


class ProfileOut(Schema):
    pseudonym: str
    share_cohort: bool
    share_rotation: bool
    interests: list[str]
    time_zone: str
    availability: list[str]
    wants_buddy: bool
    looking: bool
    waiting: str | None = Field(None, description="Why no circle yet, when waiting.")


class MemberOut(Schema):
    id: int
    pseudonym: str
    is_you: bool


class CircleOut(Schema):
    id: int
    kind: str
    name: str
    members: list[MemberOut]
    prompt: str = Field(..., description="This week's suggested prompt.")
    meet_up: str


class MessageIn(Schema):
    # No max_length here: the service decides, after the crisis check, so an over-long message
    # that looks like a crisis is refused with the crisis resources rather than a bare 422.
    body: str = Field(..., min_length=1, description=f"Up to {MAX_MESSAGE_CHARS:,} characters.")
    post_anyway: bool = Field(
        False, description="Post even though the crisis check asked first (see 422 `crisis`)."
    )


class MessageOut(Schema):
    id: int
    pseudonym: str
    body: str
    removed: bool
    mine: bool
    created_at: datetime


class MessageRejectedOut(ErrorOut):
    crisis: CrisisOut | None = None


class ReportIn(Schema):
    reason: ReasonChoice


class ReportOut(Schema):
    detail: str


def student(request):
    return require_student(request, "Peer circles are for students.")


def _error(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        errors = {field: list(messages) for field, messages in error.message_dict.items()}
        first = next(iter(errors.values()))[0]
        return {"detail": first, "errors": errors}
    return {"detail": error.messages[0], "errors": {}}


def _profile_out(profile) -> dict:
    return {
        "pseudonym": profile.pseudonym,
        "share_cohort": profile.share_cohort,
        "share_rotation": profile.share_rotation,
        "interests": profile.interests,
        "time_zone": profile.time_zone,
        "availability": profile.availability,
        "wants_buddy": profile.wants_buddy,
        "looking": profile.looking,
        "waiting": circles.waiting_message(profile),
    }


def _circle_out(summary: circles.CircleSummary) -> dict:
    return {
        "id": summary.circle.pk,
        "kind": summary.circle.kind,
        "name": summary.circle.name,
        "members": [asdict(m) for m in summary.members],
        "prompt": summary.prompt,
        "meet_up": summary.meet_up.sentence,
    }


@circles_router.get(
    "/profile", response={200: ProfileOut, 404: ErrorOut}, summary="My circle profile"
)
def get_profile(request):
    profile = circles.circle_profile_of(student(request))
    if profile is None:
        return Status(404, {"detail": "You have not joined peer circles.", "errors": {}})
    return _profile_out(profile)


@circles_router.put(
    "/profile",
    response={200: ProfileOut, 422: ErrorOut},
    summary="Join peer circles, or change what I share (matching runs at once)",
)
def put_profile(request, payload: ProfileIn):
    user = student(request)
    try:
        profile = circles.save_circle_profile(student=user, **payload.dict())
    except ValidationError as error:
        return Status(422, _error(error))
    return _profile_out(profile)


@circles_router.delete(
    "/profile",
    response={204: None},
    summary="Leave peer circles: my profile and memberships are deleted, my messages wiped",
)
def delete_profile(request):
    circles.opt_out_of_circles(student=student(request))
    return Status(204, None)


@circles_router.get("", response=list[CircleOut], summary="My circles")
def list_circles(request):
    return [_circle_out(s) for s in circles.circles_of(student(request))]


@circles_router.get(
    "/{int:circle_id}", response={200: CircleOut, 404: ErrorOut}, summary="One of my circles"
)
def get_circle(request, circle_id: int):
    summary, _ = circles.circle_of_member(student(request), circle_id)
    return _circle_out(summary)


@circles_router.get(
    "/{int:circle_id}/messages",
    response={200: list[MessageOut], 404: ErrorOut},
    summary="The latest messages of one of my circles (blocked members left out)",
)
def list_messages(request, circle_id: int):
    user = student(request)
    summary, _ = circles.circle_of_member(user, circle_id)
    return [asdict(m) for m in circles.messages_for(user, summary.circle)]


@circles_router.post(
    "/{int:circle_id}/messages",
    response={201: MessageOut, 404: ErrorOut, 422: MessageRejectedOut},
    summary="Post to one of my circles; a crisis-looking message answers 422 with `crisis`",
)
def post_message(request, circle_id: int, payload: MessageIn):
    user = student(request)
    try:
        message = circles.post_circle_message(
            student=user, circle_id=circle_id, body=payload.body, post_anyway=payload.post_anyway
        )
    except circles.CrisisCheck as check:
        return Status(
            422,
            {
                "detail": check.messages[0],
                "errors": {"body": check.messages},
                "crisis": crisis_payload(request.enrollment.school),
            },
        )
    except circles.MessageRefused as refused:
        crisis = crisis_payload(request.enrollment.school) if refused.crisis else None
        return Status(422, _error(refused) | {"crisis": crisis})
    except ValidationError as error:
        return Status(422, _error(error))
    return Status(
        201,
        {
            "id": message.pk,
            "pseudonym": message.author_pseudonym,
            "body": payload.body.strip(),
            "removed": False,
            "mine": True,
            "created_at": message.created_at,
        },
    )


@circles_router.post(
    "/{int:circle_id}/leave", response={204: None, 404: ErrorOut}, summary="Leave a circle"
)
def leave(request, circle_id: int):
    circles.leave_circle(student=student(request), circle_id=circle_id)
    return Status(204, None)


@circles_router.post(
    "/{int:circle_id}/members/{int:member_id}/block",
    response={204: None, 404: ErrorOut, 422: ErrorOut},
    summary="Block a member: hide their messages and never match us again (idempotent)",
)
def block(request, circle_id: int, member_id: int):
    try:
        circles.block_circle_member(
            student=student(request), circle_id=circle_id, member_id=member_id
        )
    except ValidationError as error:
        return Status(422, _error(error))
    return Status(204, None)


@circles_router.post(
    "/messages/{int:message_id}/report",
    response={201: ReportOut, 404: ErrorOut, 422: ErrorOut},
    summary="Report a message to the school's wellness lead (once; not my own)",
)
def report(request, message_id: int, payload: ReportIn):
    try:
        circles.report_circle_message(
            student=student(request), message_id=message_id, reason=payload.reason
        )
    except ValidationError as error:
        return Status(422, _error(error))
    return Status(201, {"detail": "Reported. The wellness lead sees the message only."})
