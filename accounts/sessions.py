"""Django's database session engine, storing each session's user in a column of its own.

Only the documented extension points are used (`get_model_class`, `create_model_instance`):
reading, saving, expiry, key rotation and clearing are Django's own.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None  # not signed in
        return session
