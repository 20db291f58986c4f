"""Lesson completion for staff, published once a week with the school's week release.

The table (students who marked each lesson done and finished each whole track, per cohort,
out of the verified students enrolled then) is computed when the week is published and then
only read: a deletion, an undo or a late "done" never moves a count staff have seen.
"""

from datetime import date, timedelta

from cohorts.models import PublishedTable, Release
from cohorts.publishing import cell_from_json, cell_json, k_for, latest_school_table, publish_due
from schools.models import Cohort, School

from .selectors import CompletionLine, CompletionTable, completion_table

TABLE = "lessons"


def publish_lessons(school: School, week: date, release: Release) -> list[PublishedTable]:
    """The week publisher registered in LearnConfig.ready."""
    table = completion_table(school, today=week + timedelta(weeks=1))
    if not table.lines:
        return []
    cells = {
        "as_of": table.as_of.isoformat(),
        "cohorts": [cohort.pk for cohort in table.cohorts],
        "lines": [
            {
                "label": line.label,
                "track": line.track,
                "is_track": line.is_track,
                "cells": [cell_json(cell) for cell in line.cells],
                "total": cell_json(line.total),
            }
            for line in table.lines
        ],
    }
    return [PublishedTable(release=release, cohort=None, table=TABLE, week=week, cells=cells)]


def published_completion(school: School, *, today: date) -> CompletionTable | None:
    """The latest published completion table (publishing what is due first), or None."""
    publish_due(school, today=today)
    stored = latest_school_table(school, TABLE)
    if stored is None:
        return None
    k = k_for(school)
    data = stored.cells
    cohorts = Cohort.objects.in_bulk(data["cohorts"])
    return CompletionTable(
        cohorts=[cohorts[pk] for pk in data["cohorts"] if pk in cohorts],
        lines=[
            CompletionLine(
                line["label"],
                line["track"],
                line["is_track"],
                tuple(cell_from_json(cell, k=k) for cell in line["cells"]),
                cell_from_json(line["total"], k=k),
            )
            for line in data["lines"]
        ],
        k=k,
        as_of=date.fromisoformat(data["as_of"]),
    )
