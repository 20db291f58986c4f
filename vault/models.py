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
