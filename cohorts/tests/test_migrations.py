"""Migrations 0003-0005 turn one rollup row per measure into one per source, and back, exactly."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import make_cohort, make_school

BEFORE = [("cohorts", "0002_campaigns")]
AFTER = [("cohorts", "0005_drop_rollup_columns_per_measure")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def per_measure_figures(apps) -> list[tuple]:
    """Cells and members of the per-measure schema, comparable across the two."""
    Cell, Member = apps.get_model("cohorts", "RollupCell"), apps.get_model("cohorts", "CellMember")
    cells = sorted(
        Cell.objects.values_list(
            "scope", "rotation_id", "week", "measure", "n_students", "n_obs", "total",
            "total_sq", "band_counts",
        )
    )  # fmt: skip
    members = sorted(
        Member.objects.values_list(
            "cell__scope", "cell__week", "cell__measure", "member", "observations", "total",
            "bands",
        )
    )  # fmt: skip
    return cells + members


@pytest.mark.django_db(transaction=True)
def test_rollups_are_merged_per_source_and_split_back_without_losing_a_figure():
    cohort = make_cohort(make_school())
    old = migrate(BEFORE)
    try:
        Cell, Member = (
            old.get_model("cohorts", "RollupCell"),
            old.get_model("cohorts", "CellMember"),
        )
        week = date(2025, 3, 3)
        for measure, total, bands in [
            ("mood", 7.0, {}),
            ("moved", 1.0, {"yes": 1, "no": 1}),
            ("screen:phq9", 12.0, {"Moderate": 1}),
        ]:
            cell = Cell.objects.create(
                school_id=cohort.school_id, cohort_id=cohort.pk, scope="cohort", week=week,
                measure=measure, n_students=2, n_obs=2, total=total, total_sq=total * total,
                band_counts=bands,
            )  # fmt: skip
            for member, share in (("a" * 64, total / 2), ("b" * 64, total / 2)):
                Member.objects.create(
                    cell=cell, member=member, observations=1, total=share,
                    total_sq=share * share, bands={label: 1 for label in bands},
                )  # fmt: skip
        before = per_measure_figures(old)

        new = migrate(AFTER)
        Cell, Member = (
            new.get_model("cohorts", "RollupCell"),
            new.get_model("cohorts", "CellMember"),
        )
        merged = {c.source: c.figures for c in Cell.objects.all()}
        assert sorted(merged) == ["checkin", "screen:phq9"]
        assert merged["checkin"]["moved"] == [2, 2, 1.0, 1.0, {"yes": 1, "no": 1}]
        assert merged["checkin"]["mood"] == [2, 2, 7.0, 49.0, {}]
        assert Member.objects.count() == 4  # two students in each of two rows
        assert Member.objects.get(member="a" * 64, cell__source="checkin").figures == {
            "mood": [1, 3.5, 12.25, {}],
            "moved": [1, 0.5, 0.25, {"yes": 1, "no": 1}],
        }

        assert per_measure_figures(migrate(BEFORE)) == before
    finally:
        # Back to the latest state of every app, for whichever test runs next in this worker.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_one_reminder_days_before_closing_becomes_a_chosen_day_and_back():
    cohort = make_cohort(make_school())
    target = [("cohorts", "0011_campaign_test_sends")]
    old = migrate(target)
    try:
        Campaign = old.get_model("cohorts", "Campaign")
        common = {"school_id": cohort.school_id, "cohort_id": cohort.pk, "message": "Hi"}
        window = {"opens_on": date(2026, 3, 2), "closes_on": date(2026, 3, 15)}
        sent = Campaign.objects.create(
            instrument="who5", remind_days_before=3, reminders_sent_at="2026-03-12T13:00Z",
            **window, **common,
        )  # fmt: skip
        none = Campaign.objects.create(instrument="pss10", remind_days_before=0, **window, **common)

        new = migrate([("cohorts", "0012_campaign_reminder_schedule")])
        Campaign = new.get_model("cohorts", "Campaign")
        assert (
            Campaign.objects.get(pk=sent.pk).reminder_days,
            Campaign.objects.get(pk=sent.pk).reminders_sent,
        ) == ([10], [10])
        assert Campaign.objects.get(pk=none.pk).reminder_days == []

        Campaign = migrate(target).get_model("cohorts", "Campaign")
        back = Campaign.objects.get(pk=sent.pk)
        assert back.remind_days_before == 3 and back.reminders_sent_at is not None
        assert Campaign.objects.get(pk=none.pk).remind_days_before == 0
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
