"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring)."""

from circles.models import CircleMembership
from circles.services import post_circle_message, report_circle_message, save_circle_profile
from conftest import make_student

PAGES: dict[str, str] = {
    "circles": "student",
    "circle_profile": "student",
    "circle_opt_out": "student",
    "circle_look_again": "student",
    "circle": "student_object",
    "circle_leave": "student_object",
    "circle_block": "student_object",
    "circle_report": "student_object",
    "circles_overview": "staff",
    # Reports are for the school's wellness lead only: the matrix's `staff` is an educator and
    # must be refused; the wellness lead's own access is tested in test_circle_reports.py.
    "circle_reports": "wellness",
    "circle_report_review": "wellness",
}
MAY_REACH = {"wellness": set()}

MATRIX_SECRET = "The circle-only secret of Cedar"


def api_rule(path: str) -> str | None:
    if not path.startswith("/api/circles"):
        return None
    if any(p in path for p in ("{circle_id}", "{message_id}", "{member_id}")):
        return "student_object"
    return "student"


def objects(world: dict) -> dict:
    """Student A in a circle with three others; one of them wrote a message A reported."""
    student = world["users"]["student"]
    peers = [
        make_student(world["cohort"], f"peer{i}@riverside.example", rotation=None) for i in range(3)
    ]
    for user, name in zip([student, *peers], ["Quokka", "Cedar", "Heron", "Fern"], strict=True):
        save_circle_profile(student=user, pseudonym=name, accept_guidelines=True)
    message = post_circle_message(
        student=peers[0],
        circle_id=student.circle_profile.memberships.get().circle_id,
        body=MATRIX_SECRET,
    )
    report = report_circle_message(student=student, message_id=message.pk, reason="other")
    member = CircleMembership.objects.get(profile__student=peers[0])
    return {
        "kwargs": {
            "circle_id": message.circle_id,
            "message_id": message.pk,
            "member_id": member.pk,
            "report_id": report.pk,
        },
        "secrets": [MATRIX_SECRET, "Quokka"],
    }
