"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring).

The roster belongs to the school administrator, a role none of the matrix's users has: every
one of them is refused. schools/tests/test_roster_views.py walks the same routes as the
administrator of the school and of another school.
"""

from schools.models import RosterEntry

PAGES: dict[str, str] = {
    "school_roster": "school_admin",
    "school_roster_template": "school_admin",
    "school_roster_export": "school_admin",
    "school_roster_remove": "school_admin",
}
MAY_REACH = {"school_admin": set()}


def api_rule(path: str) -> str | None:
    return None


def objects(world: dict) -> dict:
    entry = RosterEntry.objects.create(
        school=world["school"], email="listed@riverside.example", cohort=world["cohort"]
    )
    return {"kwargs": {"entry_id": entry.pk}, "secrets": ["listed@riverside.example"]}
