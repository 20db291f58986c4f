"""One rollup row per group, week and source instead of one per measure (1 of 3: the new
columns beside the old).

A check-in's fourteen measures now share one `RollupCell` (source "checkin") and each
screening instrument keeps its own (source "screen:<id>"); each measure's figures live in
`figures`. Members are merged the same way. The change is in three migrations because
PostgreSQL cannot alter a table in the transaction that moved its rows.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0002_campaigns"),
        ("schools", "0002_rotation_catalogue"),
    ]

    operations = [
        # The old per-measure uniqueness goes first, so that going back can split rows again
        # before it returns.
        migrations.RemoveConstraint(model_name="rollupcell", name="one_rollup_per_rotation_week"),
        migrations.RemoveConstraint(model_name="rollupcell", name="one_rollup_per_group_week"),
        migrations.RemoveIndex(model_name="rollupcell", name="rollup_dashboard"),
        migrations.AddField(
            model_name="rollupcell",
            name="source",
            field=models.CharField(default="", max_length=60),
        ),
        migrations.AddField(
            model_name="rollupcell", name="figures", field=models.JSONField(default=dict)
        ),
        migrations.AddField(
            model_name="cellmember", name="figures", field=models.JSONField(default=dict)
        ),
        # A default for the old column, so that going back can add it to the rows that exist.
        migrations.AlterField(
            model_name="rollupcell",
            name="measure",
            field=models.CharField(default="", max_length=60),
        ),
    ]
