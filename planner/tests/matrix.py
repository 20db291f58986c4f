"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

PAGES: dict[str, str] = {
    "planner": "student",
    "planner_block_decide": "student",
    "planner_accept_all": "student",
    # A proposal is named by its kind and start in the query: only the student's own plan is
    # searched, so there is no object of someone else's to reach.
    "planner_proposal_move": "student",
    "planner_schedule": "student",
    "planner_schedule_template": "student",
    "planner_pattern_add": "student",
    "planner_schedule_import": "student",
    "planner_preferences": "student",
    "planner_feed_manage": "student",
    "planner_block_move": "student_object",
    "planner_event_delete": "student_object",
    "planner_pattern_delete": "student_object",
    # Whoever holds the token reads the feed (a calendar app has no login); a wrong or
    # rotated token is a 404 (planner/tests/test_feed.py).
    "planner_feed": "public",
    # The signed link in each email: GET only asks to confirm.
    "planner_unsubscribe": "public",
}


def api_rule(path: str) -> str | None:
    if not path.startswith("/api/planner"):
        return None
    if "{event_id}" in path or "{block_id}" in path:
        return "student_object"
    return "student"


def objects(world: dict) -> dict:
    from planner import services

    student = world["users"]["student"]
    zone = ZoneInfo(world["school"].timezone)
    monday = datetime.now(zone).date() + timedelta(days=7)
    monday -= timedelta(days=monday.weekday())
    event = services.add_event(
        student=student,
        kind="shift",
        starts_at=datetime.combine(monday, time(7), tzinfo=zone),
        ends_at=datetime.combine(monday, time(17), tzinfo=zone),
    )
    services.accept_all(student=student, first_day=monday)
    block = student.planner_blocks.first()
    token = services.rotate_feed_token(student=student)
    pattern = services.add_pattern(
        student=student, name="Nights", starts=time(19), ends=time(7, 30), weekdays=[0, 1]
    )
    return {
        "kwargs": {
            "event_id": event.pk,
            "block_id": block.pk,
            "pattern_id": pattern.pk,
            "token": token,
        },
        "secrets": [],
    }
