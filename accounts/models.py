from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

from lib.tokens import token_digest


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _new_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._new_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._new_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an email address.

    `is_staff`/`is_superuser` mean *operator* (whoever hosts the instance and uses Django admin).
    School roles live in `schools.StaffMembership`; students in `schools.Enrollment`.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=80, blank=True, help_text="What the app calls you. Never shown to staff."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.display_name or f"user {self.pk}"

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class ConsentRecord(models.Model):
    """That a person accepted a version of the privacy notice, and when."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    notice_version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "notice_version"], name="one_consent_per_notice_version"
            )
        ]

    def __str__(self) -> str:
        return f"consent {self.notice_version}"


class PersonalToken(models.Model):
    """A token for the API (Authorization: Bearer wr_...). Only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class StoredSessionKey(str):
    """A session key as the database holds it: already a digest, so never hashed again."""


class SessionKeyField(models.CharField):
    """A session key column that stores and looks up only the SHA-256 digest of the key.

    Django's session store reads, writes, checks and deletes sessions by `session_key=<key
    from the cookie>`; every one of those passes through `get_prep_value`, so the key the
    browser holds is never written, and a copy of the database (which holds only digests)
    opens no session: a digest sent as a cookie is hashed again and matches nothing. Values
    read from the database come back as `StoredSessionKey`, so saving a loaded row (as
    `accounts.identity.refresh_identities` does) finds it by its stored digest.
    """

    def from_db_value(self, value, expression, connection):
        return None if value is None else StoredSessionKey(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or isinstance(value, StoredSessionKey):
            return value
        return StoredSessionKey(token_digest(value))


class Session(AbstractBaseSession):
    """Django's database session, with the signed-in user beside it (Django's documented
    extension point, as in its `account_id` example): deleting a user deletes their sessions
    through the foreign key, and the sessions of one user are found without decoding any."""

    session_key = SessionKeyField("session key", max_length=64, primary_key=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
