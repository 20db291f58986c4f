from django.conf import settings
from django.db import models


class DataKey(models.Model):
    """One user's data key, stored only wrapped (encrypted) by a master key.

    Deleting this row makes everything encrypted for the user unreadable, for good.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_key"
    )
    master_key_id = models.CharField(max_length=32)
    wrapped_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"data key (master {self.master_key_id})"


class SiteKey(models.Model):
    """A key of the whole site for one purpose, stored only wrapped by a master key.

    For secrets that belong to the site's machinery rather than to one person's data, or
    whose encryption hooks are not told whose they are: allauth encrypts TOTP secrets and
    recovery-code seeds through an adapter that is given the text alone.
    """

    purpose = models.CharField(max_length=40, unique=True)
    master_key_id = models.CharField(max_length=32)
    wrapped_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"site key for {self.purpose} (master {self.master_key_id})"


class AuditEvent(models.Model):
    """A security event, without content: what happened, when, and a pseudonymous actor.

    No foreign keys, so nothing here ever blocks a deletion; `actor` is an HMAC of the user id
    (see vault.audit) and is blanked when the user deletes their account.
    """

    kind = models.CharField(max_length=40, db_index=True)
    actor = models.CharField(max_length=64, blank=True, db_index=True)
    school_id = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"
