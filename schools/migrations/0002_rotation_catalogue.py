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


def remove_catalogue(apps, schema_editor):
    Rotation = apps.get_model("schools", "Rotation")
    Rotation.objects.filter(slug__in=[slug for slug, _, _ in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]

    operations = [migrations.RunPython(add_catalogue, remove_catalogue)]
