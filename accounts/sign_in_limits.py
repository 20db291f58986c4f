"""Sign-in limits per account and per (account, client), never per address alone.

Behind a reverse proxy every request arrives from the proxy's address, and even the real
client address is shared by everyone on a campus or hospital network: a limit on failures per
address locks all of them out together. So wrong passwords are counted
- per (account, client address): 5 in 15 minutes lock that account for that client;
- per account: 20 in 15 minutes, from any number of addresses, lock the account for everyone
  (a bound on guessing spread over many addresses).
Both are cool-offs that end as the window slides on, never permanent locks. Wrong second-factor
codes keep allauth's own limit ("login_failed", per account). The client address is read as
allauth reads it: the last of X-Forwarded-For's addresses set by ALLAUTH_TRUSTED_PROXY_COUNT
proxies (or ALLAUTH_TRUSTED_CLIENT_IP_HEADER), else the peer's address.
"""

import ipaddress
import time

from allauth import app_settings as allauth_settings
from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

# When the session signed in (our own key, set on allauth's user_logged_in signal).
SIGNED_IN_AT = "signed_in_at"
# Setting up an authenticator, and the recovery codes that setting one up ends on.
FRESH_SIGN_IN_IS_ENOUGH = {"mfa_activate_totp", "mfa_view_recovery_codes"}
FROM_CLIENT = "login_failed_from_client"
FOR_ACCOUNT = "login_failed_for_account"


def account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


class AccountAdapter(DefaultAccountAdapter):
    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A sign-in in the last few minutes is as fresh as typing the password again: a new
        staff member sent from signing in straight to setting up an authenticator is not
        asked for the password twice in a row (issue #22). Only setting one up and seeing
        its recovery codes: removing one, or any other change, still asks."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        match = getattr(self.request, "resolver_match", None)
        if not required or match is None or match.url_name not in FRESH_SIGN_IN_IS_ENOUGH:
            return required
        signed_in_at = self.request.session.get(SIGNED_IN_AT)
        fresh = account_settings.REAUTHENTICATION_TIMEOUT
        return not (signed_in_at and time.time() - signed_in_at < fresh)

    def get_client_ip(self, request: HttpRequest) -> str:
        try:
            address = super().get_client_ip(request)
        except ImproperlyConfigured:
            # Fewer X-Forwarded-For entries than trusted proxies: the request did not come
            # through them, so the peer is the client.
            address = request.META["REMOTE_ADDR"]
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return address
        if parsed.version == 6:
            # One client holds a whole /64 and could step through it.
            prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
            return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False).network_address)
        return address

    def client_key(self, request: HttpRequest, email: str) -> str:
        return f"{account_key(email)}|client:{self.get_client_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        email = credentials.get("email", "")
        # The attempt from this client counts before the password is checked, so guesses sent
        # in parallel cannot slip past the limit; a success takes it back (authenticate).
        allowed = ratelimit.consume(
            request, action=FOR_ACCOUNT, key=account_key(email), dry_run=True
        ) and ratelimit.consume(request, action=FROM_CLIENT, key=self.client_key(request, email))
        if not allowed:
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            ratelimit.clear(
                request,
                action=FROM_CLIENT,
                key=self.client_key(request, credentials.get("email", "")),
            )
        return user

    def get_login_stages(self) -> list[str]:
        # allauth's second-factor step, but skipped for a single sign-on whose identity
        # provider the school trusts to have asked for one (accounts/second_factor.py).
        return [
            "accounts.second_factor.SecondFactorStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def authentication_failed(self, request: HttpRequest, **credentials) -> None:
        ratelimit.consume(
            request, action=FOR_ACCOUNT, key=account_key(credentials.get("email", ""))
        )


def clear_sign_in_failures(request: HttpRequest, *, email: str) -> None:
    """After a password reset: the owner proved who they are, so the count starts again."""
    ratelimit.clear(request, action=FOR_ACCOUNT, key=account_key(email))
    ratelimit.clear(
        request, action=FROM_CLIENT, key=AccountAdapter(request).client_key(request, email)
    )
