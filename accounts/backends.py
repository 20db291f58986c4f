"""allauth's authentication backend, with the signed-in user read by one plain statement.

Every signed-in request loads its user after its session (`get_user`); compiling the ORM query
for it cost more than running it (see schools/sql.py). Signing in, passwords and rate limits
are allauth's own.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model

from schools import sql


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        found = sql.rows(get_user_model(), "id = %s", [user_id], limit=1)
        if found and self.user_can_authenticate(found[0]):
            return found[0]
        return None
