"""One rollup row per source (2 of 3): the figures move from the per-measure rows into one row
per group, week and source, and back. Both directions convert every figure exactly, cohort by
cohort, so no aggregate is lost or needs a rebuild.
"""

from django.db import migrations

CHECKIN_SOURCE = "checkin"
SCREEN_PREFIX = "screen:"


def _source(measure: str) -> str:
    return measure if measure.startswith(SCREEN_PREFIX) else CHECKIN_SOURCE


def to_one_row_per_source(apps, schema_editor):
    RollupCell = apps.get_model("cohorts", "RollupCell")
    CellMember = apps.get_model("cohorts", "CellMember")
    cohort_ids = RollupCell.objects.values_list("cohort_id", flat=True).distinct()
    for cohort_id in list(cohort_ids):
        kept, figures, merged_into, measure_of = {}, {}, {}, {}
        for cell in RollupCell.objects.filter(cohort_id=cohort_id).order_by("pk"):
            key = (cell.school_id, cell.scope, cell.rotation_id, cell.week, _source(cell.measure))
            keeper = kept.setdefault(key, cell)
            merged_into[cell.pk], measure_of[cell.pk] = keeper.pk, cell.measure
            figures.setdefault(key, {})[cell.measure] = [
                cell.n_students, cell.n_obs, cell.total, cell.total_sq, cell.band_counts,
            ]  # fmt: skip
        members = {}
        for member in CellMember.objects.filter(cell__cohort_id=cohort_id).order_by("pk"):
            presence = members.setdefault((merged_into[member.cell_id], member.member), {})
            presence[measure_of[member.cell_id]] = [
                member.observations, member.total, member.total_sq, member.bands,
            ]  # fmt: skip
        CellMember.objects.filter(cell__cohort_id=cohort_id).delete()
        for key, cell in kept.items():
            cell.source, cell.figures = key[-1], figures[key]
            cell.save(update_fields=["source", "figures"])
        keepers = [cell.pk for cell in kept.values()]
        RollupCell.objects.filter(cohort_id=cohort_id).exclude(pk__in=keepers).delete()
        CellMember.objects.bulk_create(
            [
                CellMember(cell_id=cell_id, member=member, figures=presence)
                for (cell_id, member), presence in members.items()
            ],
            batch_size=2000,
        )


def to_one_row_per_measure(apps, schema_editor):
    RollupCell = apps.get_model("cohorts", "RollupCell")
    CellMember = apps.get_model("cohorts", "CellMember")
    cohort_ids = RollupCell.objects.values_list("cohort_id", flat=True).distinct()
    for cohort_id in list(cohort_ids):
        cells = list(RollupCell.objects.filter(cohort_id=cohort_id).order_by("pk"))
        members = {}
        for member in CellMember.objects.filter(cell__cohort_id=cohort_id).order_by("pk"):
            members.setdefault(member.cell_id, []).append(member)
        CellMember.objects.filter(cell__cohort_id=cohort_id).delete()
        RollupCell.objects.filter(cohort_id=cohort_id).delete()
        for cell in cells:
            for measure, (n_students, n_obs, total, total_sq, bands) in cell.figures.items():
                split = RollupCell.objects.create(
                    school_id=cell.school_id, cohort_id=cohort_id, scope=cell.scope,
                    rotation_id=cell.rotation_id, week=cell.week, measure=measure,
                    n_students=n_students, n_obs=n_obs, total=total, total_sq=total_sq,
                    band_counts=bands,
                )  # fmt: skip
                CellMember.objects.bulk_create(
                    [
                        CellMember(
                            cell=split, member=member.member, observations=mine[0],
                            total=mine[1], total_sq=mine[2], bands=mine[3],
                        )  # fmt: skip
                        for member in members.get(cell.pk, [])
                        if (mine := member.figures.get(measure))
                    ],
                    batch_size=2000,
                )


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0003_one_rollup_row_per_source")]

    operations = [migrations.RunPython(to_one_row_per_source, to_one_row_per_measure)]
