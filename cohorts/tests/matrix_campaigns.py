"""Campaigns' newer routes in wellrounded/tests/test_authorization_matrix.py (see its
docstring): the test invitation to oneself, the recurrence and the per-campaign export act
on one campaign, so staff of its school (educators and administrators alike) reach them and
everyone else, staff of another school included, gets 403 or 404. The world's campaign is
the matrix's own (`campaign_id`), open today."""

PAGES: dict[str, str] = {
    "cohort_campaign_test_send": "staff_object",
    "cohort_campaign_csv": "staff_object",
    "cohort_campaign_recurrence": "staff_object",
}


def api_rule(path: str) -> str | None:
    return None


def objects(world: dict) -> dict:
    return {}
