"""Security events from allauth and Django, into the audit trail (no content, no emails)."""

import time

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from vault.audit import record_event

from .sign_in_limits import SIGNED_IN_AT, clear_sign_in_failures


@receiver(account_signals.user_logged_in)
def logged_in(sender, request, user, **kwargs):
    record_event("login", actor_id=user.pk)
    request.session[SIGNED_IN_AT] = time.time()


@receiver(auth_signals.user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    record_event("login_failed")


@receiver(auth_signals.user_logged_out)
def logged_out(sender, request, user, **kwargs):
    record_event("logout", actor_id=getattr(user, "pk", None))


@receiver(mfa_signals.authenticator_added)
def mfa_added(sender, request, user, authenticator, **kwargs):
    record_event("mfa_added", actor_id=user.pk)


@receiver(mfa_signals.authenticator_removed)
def mfa_removed(sender, request, user, authenticator, **kwargs):
    record_event("mfa_removed", actor_id=user.pk)


@receiver(mfa_signals.authentication_failed)
def mfa_failed(sender, request, user, **kwargs):
    record_event("mfa_failed", actor_id=user.pk)


@receiver(account_signals.password_changed)
def password_changed(sender, request, user, **kwargs):
    record_event("password_changed", actor_id=user.pk)


@receiver(account_signals.password_reset)
def password_reset(sender, request, user, **kwargs):
    record_event("password_reset", actor_id=user.pk)
    clear_sign_in_failures(request, email=user.email)
