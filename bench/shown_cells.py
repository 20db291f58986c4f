"""How many of the published cells of a school show a figure, before and after top- and
bottom-coding (#21): run on the default demo school.

    DATABASE_URL=... python manage.py seed_demo
    DATABASE_URL=... python bench/shown_cells.py [school-slug]

A cell is every group of every published week table (cohort totals, rotations, bands,
participation). "Before" counts the cells with a figure; "after" adds the hidden cells that now
show a top- or bottom-code ("more than 84%", "fewer than 10 students") instead of a dash.
"""

import os
import sys
from collections import Counter
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellrounded.settings")
django.setup()

from cohorts.measures import PARTICIPATION  # noqa: E402
from cohorts.models import PublishedTable, Release  # noqa: E402
from schools.demo import DEMO_SLUG  # noqa: E402
from schools.models import School  # noqa: E402


def count(school: School) -> dict[str, Counter]:
    tallies: dict[str, Counter] = {"all": Counter(), PARTICIPATION: Counter()}
    tables = PublishedTable.objects.filter(
        release__school=school, release__kind=Release.Kind.WEEK, cohort__isnull=False
    ).values_list("table", "cells")
    for table, cells in tables:
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


if __name__ == "__main__":
    main()
