"""How many of the published cells of a school show a figure, before and after top- and
bottom-coding (#21): run on the default demo school.

    DATABASE_URL=... python manage.py seed_demo
    DATABASE_URL=... python bench/shown_cells.py [school-slug]

A cell is every group of every published week table (cohort totals, rotations, bands,
participation). "Before" counts the cells with a figure; "after" adds the hidden cells that now
show a top- or bottom-code ("more than 84%", "fewer than 10 students") instead of a dash.

Coarsening (#21, cohorts/coarsening.py): of the dashboard's rotation cells (each rotation and
"no rotation on record", every charted measure, every published week), how many show their own
figure, and how many hidden ones show a coarser figure in their place (the rotation's group
that week, or its 4-week block). Its own tables (`group:*`, `block:*`) are not counted above.
"""

import os
import sys
from collections import Counter
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellrounded.settings")
django.setup()

from cohorts.coarsening import coarse_figures  # noqa: E402
from cohorts.measures import CHARTED_MEASURES, PARTICIPATION  # noqa: E402
from cohorts.models import PublishedTable, Release  # noqa: E402
from cohorts.publishing import COHORT_KEY, cell_from_json, k_for  # noqa: E402
from schools.demo import DEMO_SLUG  # noqa: E402
from schools.models import Cohort, School  # noqa: E402


def count(school: School) -> dict[str, Counter]:
    tallies: dict[str, Counter] = {"all": Counter(), PARTICIPATION: Counter()}
    tables = PublishedTable.objects.filter(
        release__school=school, release__kind=Release.Kind.WEEK, cohort__isnull=False
    ).values_list("table", "cells")
    for table, cells in tables:
        if ":" in table and table.split(":", 1)[0] in ("group", "block"):
            continue  # coarse tables: counted by `rotation_cells`
        for key, cell in cells.items():
            if key == "enrolled":
                continue  # the frozen denominator, not a figure
            kinds = ["all"] + ([PARTICIPATION] if table == PARTICIPATION else [])
            for kind in kinds:
                tallies[kind]["cells"] += 1
                if "why" not in cell:
                    tallies[kind]["figure"] += 1
                    if "atl" in cell:  # shown rounded, "at least" a count (participation hidden)
                        tallies[kind]["rounded"] += 1
                elif cell.get("bound"):
                    tallies[kind]["bound"] += 1
    return tallies


def rotation_cells(school: School) -> Counter:
    """The dashboard's rotation cells: shown, and hidden but showing a coarse figure."""
    tally: Counter = Counter()
    k = k_for(school)
    charted = {entry.key for entry in CHARTED_MEASURES}
    for cohort in Cohort.objects.filter(school=school):
        for measure_key in charted:
            stored = PublishedTable.objects.filter(
                cohort=cohort, table=measure_key, release__kind=Release.Kind.WEEK
            ).values_list("week", "cells")
            rows = [
                (
                    week,
                    {key: cell_from_json(c, k=k) for key, c in cells.items() if key != COHORT_KEY},
                )
                for week, cells in stored
            ]
            coarse = coarse_figures(cohort, measure_key, rows)
            for week, cells in rows:
                for key, cell in cells.items():
                    tally["cells"] += 1
                    if (week, key) in coarse:
                        tally[coarse[(week, key)].granularity] += 1
                    elif not hasattr(cell, "reason"):
                        tally["figure"] += 1
    return tally


def main() -> None:
    slug = sys.argv[1] if len(sys.argv) > 1 else DEMO_SLUG
    school = School.objects.get(slug=slug)
    for kind, tally in count(school).items():
        cells = tally["cells"] or 1
        before = tally["figure"] / cells
        after = (tally["figure"] + tally["bound"]) / cells
        name = "every published cell" if kind == "all" else "participation cells"
        print(
            f"{school.name}, {name}: {tally['cells']} cells; show a figure before "
            f"{tally['figure']} ({before:.1%}), after top/bottom-coding "
            f"{tally['figure'] + tally['bound']} ({after:.1%}); of the figures, "
            f"{tally['rounded']} rounded with an 'at least' count"
        )
    tally = rotation_cells(school)
    cells = tally["cells"] or 1
    coarse = tally["group"] + tally["block"]
    print(
        f"{school.name}, rotation cells of the dashboard: {tally['cells']}; their own figure "
        f"{tally['figure']} ({tally['figure'] / cells:.1%}); with coarsening "
        f"{tally['figure'] + coarse} ({(tally['figure'] + coarse) / cells:.1%}): "
        f"{tally['group']} by the rotation's group that week, {tally['block']} by its 4-week block"
    )


if __name__ == "__main__":
    main()
