"""An opaque id per student for unsubscribe links: added empty, filled with a random value per
row (a callable default would give every existing row the same one), then made required."""

import uuid

from django.db import migrations, models


def give_each_an_id(apps, schema_editor):
    PlannerPrefs = apps.get_model("planner", "PlannerPrefs")
    for prefs in PlannerPrefs.objects.filter(unsubscribe_id__isnull=True).only("pk"):
        prefs.unsubscribe_id = uuid.uuid4()
        prefs.save(update_fields=["unsubscribe_id"])


class Migration(migrations.Migration):
    dependencies = [("planner", "0001_schedule_prefs_blocks")]

    operations = [
        migrations.AddField(
            model_name="plannerprefs",
            name="unsubscribe_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        # Backwards, the column is dropped by reversing AddField: nothing to undo here.
        migrations.RunPython(give_each_an_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="plannerprefs",
            name="unsubscribe_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
