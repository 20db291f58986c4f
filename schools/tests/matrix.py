"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring).

The roster, the placements file, the rotation catalogue and the cohorts' phases belong to the
school administrator, a role none of the matrix's users has: every one of them is refused.
schools/tests/test_roster_views.py and test_placement_views.py walk the same routes as the
administrator of the school and of another school. A student's rotation schedule is theirs.
"""

from datetime import date

from schools.models import Placement, PlacementSource, RosterEntry, Rotation
from schools.placements import save_rotation

PAGES: dict[str, str] = {
    "school_roster": "school_admin",
    "school_roster_template": "school_admin",
    "school_roster_export": "school_admin",
    "school_roster_remove": "school_admin",
    "school_placements": "school_admin",
    "school_placements_preview": "school_admin",
    "school_placements_template": "school_admin",
    "school_placement_flag_clear": "school_admin",
    "school_catalogue": "school_admin",
    "school_catalogue_edit": "school_admin",
    "school_cohort_phases": "school_admin",
    "rotation_schedule": "student",
    "rotation_schedule_remove": "student_object",
    "rotation_schedule_flag": "student_object",
}
MAY_REACH = {"school_admin": set()}


def api_rule(path: str) -> str | None:
    return None


def objects(world: dict) -> dict:
    school, student = world["school"], world["users"]["student"]
    entry = RosterEntry.objects.create(
        school=school, email="listed@riverside.example", cohort=world["cohort"]
    )
    own = Placement.objects.create(
        student=student,
        school=school,
        source=PlacementSource.STUDENT,
        rotation=Rotation.objects.get(slug="neurology"),
        starts_on=date(2031, 1, 6),
        ends_on=date(2031, 2, 28),
        site="Only-Mine Hospice",
    )
    Placement.objects.create(
        student=student,
        school=school,
        source=PlacementSource.SCHOOL,
        email=student.email,
        rotation=Rotation.objects.get(slug="psychiatry"),
        starts_on=date(2031, 3, 3),
        ends_on=date(2031, 4, 25),
        site="Riverside North Site 7",
    )
    rotation = save_rotation(
        school=school, name="Acute care", phase="core", by=world["users"]["staff"]
    )
    return {
        "kwargs": {"entry_id": entry.pk, "placement_id": own.pk, "rotation_id": rotation.pk},
        "secrets": ["listed@riverside.example", "Only-Mine Hospice", "Riverside North Site 7"],
    }
