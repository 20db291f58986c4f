"""What the operator may not open in the admin, whoever registered it.

Apps we do not own register their models in the admin on their own: allauth's email
addresses (the operator could change a student's address, then reset the password) and
authenticators (every TOTP secret), django-tasks' task results (arguments and tracebacks).
The operator hosts the instance and must see no user, email, secret or answer, so these are
taken out again once every app has registered its models (see WellRoundedConfig.ready).
wellrounded/tests/test_operator_admin.py fails on any registered model that reaches a person,
so a new app's model is caught even before it is listed here.
"""

from django.apps import apps
from django.contrib.admin import AdminSite

NOT_FOR_OPERATORS = [
    # allauth: addresses, confirmation keys, second factors, third-party accounts, tokens and
    # app secrets, per-device sessions (some only when their app is installed).
    "account.EmailAddress",
    "account.EmailConfirmation",
    "mfa.Authenticator",
    "socialaccount.SocialAccount",
    "socialaccount.SocialToken",
    "socialaccount.SocialApp",
    "openid.OpenIDStore",
    "openid.OpenIDNonce",
    "usersessions.UserSession",
    "allauth_idp_oidc.Client",
    "allauth_idp_oidc.Token",
    # Task arguments name campaigns and reminders; a failed task keeps its traceback.
    "django_tasks_database.DBTaskResult",
    # Session rows open a signed-in session.
    "sessions.Session",
    # Not personal, but of no use: roles live in schools.StaffMembership, and with no user
    # admin a group can be given to nobody.
    "auth.Group",
]


def unregister_models_not_for_operators(site: AdminSite) -> list[str]:
    """Take every model of NOT_FOR_OPERATORS out of `site`; return the labels taken out."""
    removed = []
    for label in NOT_FOR_OPERATORS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # its app is not installed
        if site.is_registered(model):
            site.unregister(model)
            removed.append(label)
    return removed
