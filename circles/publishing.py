"""Circle counts for staff, published once a week with the school's week release.

Counted as of the end of the week (the week-start snapshot of the week after it), out of the
verified students enrolled when published, stored and only read afterwards: a student who
leaves a circle or deletes their account never moves a count staff have seen.
"""

from datetime import date, timedelta

from cohorts.models import PublishedTable, Release
from cohorts.publishing import cell_from_json, cell_json, k_for, latest_school_table, publish_due
from schools.models import School

from .services import CircleCounts, CohortCircles, circle_counts_by_cohort

TABLE = "circles"
PARTS = ("in_circle", "not_in_circle", "opted_in")


def _row_json(row: CohortCircles) -> dict:
    return {"cohort": row.cohort} | {part: cell_json(getattr(row, part)) for part in PARTS}


def publish_circles(school: School, week: date, release: Release) -> list[PublishedTable]:
    """The week publisher registered in SupportConfig.ready."""
    counts = circle_counts_by_cohort(school, today=week + timedelta(weeks=1))
    cells = {
        "as_of": counts.as_of.isoformat(),
        "rows": [_row_json(row) for row in counts.rows],
        "total": _row_json(counts.total),
        "circles": counts.circles,
    }
    return [PublishedTable(release=release, cohort=None, table=TABLE, week=week, cells=cells)]


def published_circle_counts(school: School, *, today: date) -> CircleCounts | None:
    """The latest published circle counts (publishing what is due first), or None."""
    publish_due(school, today=today)
    stored = latest_school_table(school, TABLE)
    if stored is None:
        return None
    k = k_for(school)

    def row(data: dict) -> CohortCircles:
        return CohortCircles(data["cohort"], *(cell_from_json(data[p], k=k) for p in PARTS))

    data = stored.cells
    return CircleCounts(
        [row(r) for r in data["rows"]],
        row(data["total"]),
        data["circles"],
        date.fromisoformat(data["as_of"]),
    )
