"""Django's database sessions, read with one plain statement.

Every signed-in request reads its session first; compiling the ORM query for it cost more than
running it (see schools/sql.py). Everything else (saving, expiry, rotation, clearing) is
Django's own.
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

from schools import sql


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = sql.rows(
            self.model,
            "session_key = %s AND expire_date > %s",
            [self.session_key, sql.value(self.model, "expire_date", timezone.now())],
            limit=1,
        )
        if found:
            return found[0]
        self._session_key = None  # as Django's: an unknown or expired key starts afresh
        return None
