from django.db import migrations

# The phase and rotation catalogue every school shares (slug, name, phase), in curriculum order.
CATALOGUE = [
    ("preclinical", "Pre-clinical", "preclinical"),
    ("internal-medicine", "Internal medicine", "core"),
    ("surgery", "Surgery", "core"),
    ("paediatrics", "Paediatrics", "core"),
    ("obstetrics-gynaecology", "Obstetrics & gynaecology", "core"),
    ("psychiatry", "Psychiatry", "core"),
    ("family-medicine", "Family medicine", "core"),
    ("neurology", "Neurology", "core"),
    ("elective", "Elective", "elective"),
    ("board-study", "Board-exam study period", "board_study"),
]


def add_catalogue(apps, schema_editor):
    Rotation = apps.get_model("schools", "Rotation")
    for position, (slug, name, phase) in enumerate(CATALOGUE):
        Rotation.objects.update_or_create(
            slug=slug, defaults={"name": name, "phase": phase, "position": position}
        )


def keep_catalogue(apps, schema_editor):
    """Going back leaves the rotations in place: placements, check-ins and rollups point at
    them (placements with PROTECT), and deleting them would take students' data with them.
    The rows are harmless to 0001's schema, `add_catalogue` updates them in place if this
    migration is applied again, and unapplying schools.0001 drops the table with them."""


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]

    operations = [migrations.RunPython(add_catalogue, keep_catalogue)]
