# Session keys are stored as their SHA-256 digest (accounts.models.SessionKeyField).

from django.db import migrations

import accounts.models
from lib.tokens import token_digest


def hash_stored_keys(apps, schema_editor):
    """Replace each stored key by its digest, so nobody is signed out by the upgrade."""
    Session = apps.get_model("accounts", "Session")
    for key in list(Session.objects.values_list("session_key", flat=True)):
        if len(key) == 64:
            continue  # already a digest
        digest = accounts.models.StoredSessionKey(token_digest(key))
        Session.objects.filter(pk=key).update(session_key=digest)


def sign_everyone_out(apps, schema_editor):
    """A digest cannot be turned back into its key: going back signs every session out."""
    apps.get_model("accounts", "Session").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_session_with_user"),
    ]

    operations = [
        migrations.AlterField(
            model_name="session",
            name="session_key",
            field=accounts.models.SessionKeyField(
                max_length=64, primary_key=True, serialize=False, verbose_name="session key"
            ),
        ),
        migrations.RunPython(hash_stored_keys, sign_everyone_out),
    ]
