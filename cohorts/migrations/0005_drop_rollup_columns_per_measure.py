"""One rollup row per source (3 of 3): the per-measure columns go, and each row is unique per
group, week and source.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0004_rollup_figures_per_source")]

    operations = [
        migrations.RemoveField(model_name="rollupcell", name="measure"),
        migrations.RemoveField(model_name="rollupcell", name="n_students"),
        migrations.RemoveField(model_name="rollupcell", name="n_obs"),
        migrations.RemoveField(model_name="rollupcell", name="total"),
        migrations.RemoveField(model_name="rollupcell", name="total_sq"),
        migrations.RemoveField(model_name="rollupcell", name="band_counts"),
        migrations.RemoveField(model_name="cellmember", name="observations"),
        migrations.RemoveField(model_name="cellmember", name="total"),
        migrations.RemoveField(model_name="cellmember", name="total_sq"),
        migrations.RemoveField(model_name="cellmember", name="bands"),
        migrations.AlterField(
            model_name="rollupcell",
            name="source",
            field=models.CharField(
                help_text='"checkin", or "screen:<instrument>" for a screening.', max_length=60
            ),
        ),
        migrations.AddIndex(
            model_name="rollupcell",
            index=models.Index(fields=["cohort", "source", "week"], name="rollup_dashboard"),
        ),
        migrations.AddConstraint(
            model_name="rollupcell",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rotation__isnull", False)),
                fields=("school", "cohort", "rotation", "week", "source"),
                name="one_rollup_per_rotation_week",
            ),
        ),
        migrations.AddConstraint(
            model_name="rollupcell",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rotation__isnull", True)),
                fields=("school", "cohort", "scope", "week", "source"),
                name="one_rollup_per_group_week",
            ),
        ),
    ]
