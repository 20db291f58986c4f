"""Actions' part of wellrounded/tests/test_authorization_matrix.py (see its docstring).

Staff of the school read actions (list, page, before/after report); the matrix's staff member
is an educator, who may not record, edit, publish or attach figures: those routes refuse every
role but the school administrators (writers, each on their own school's "new" page, and on this
school's actions only this school's) and another school's dean on the "new" page. Students read the
published actions of their cohort. cohorts/tests/test_actions.py walks the write routes as a
wellness lead.
"""

from cohorts.models import ActionFigure, PublishedTable, Release, SchoolAction

PAGES: dict[str, str] = {
    "school_actions": "staff",
    "school_action": "staff_object",
    "school_action_report": "staff_object",
    "school_action_new": "action_writer",
    "school_action_edit": "action_writer_object",
    "school_action_publish": "action_writer_object",
    "school_action_figures": "action_writer_object",
    "school_action_figure_remove": "action_writer_object",
    "you_said_we_did": "student",
}
MAY_REACH = {
    "action_writer": {"other_staff", "school_admin", "other_school_admin"},
    "action_writer_object": {"school_admin"},
}


def api_rule(path: str) -> str | None:
    return None


def objects(world: dict) -> dict:
    school, cohort = world["school"], world["cohort"]
    action = SchoolAction.objects.create(
        school=school, title="Protected half-day", starts_on=school.today()
    )
    action.cohorts.set([cohort])
    release = Release.objects.create(
        school=school, kind=Release.Kind.WEEK, key="2020-01-06",
        starts_on="2020-01-06", ends_on="2020-01-12",
    )  # fmt: skip
    table = PublishedTable.objects.create(
        release=release, cohort=cohort, table="stress", week="2020-01-06",
        cells={"cohort": {"n": 12, "est": [3.1, 2.8, 3.4, 12]}},
    )  # fmt: skip
    figure = ActionFigure.objects.create(action=action, table=table, cell="cohort")
    return {"kwargs": {"action_id": action.pk, "figure_id": figure.pk}}
