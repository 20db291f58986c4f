"""Who has passed a second factor: an authenticator app of ours, or, where a school trusts it,
its identity provider's (sso/, docs/adr/0009-single-sign-on.md).

The sso app marks a sign-in whose second factor the school's identity provider vouched for in
the social login's state (which allauth keeps through its login stages) and, once signed in,
in the session; nothing else sets either. Apart from accounts/mfa.py, which reaches the vault:
the staff decorator needs this, and cohorts' pages must not reach the vault even indirectly.
"""

from allauth.mfa.stages import AuthenticateStage

IDP_SECOND_FACTOR = "second_factor_by_identity_provider"


def vouch_second_factor(request) -> None:
    """This session's sign-in passed a second factor at the school's identity provider."""
    request.session[IDP_SECOND_FACTOR] = True


def has_second_factor(request) -> bool:
    """Whether the signed-in user may use staff pages: an authenticator app of ours, or this
    session began at an identity provider whose second factor the school trusts."""
    if request.session.get(IDP_SECOND_FACTOR):
        return True
    return request.user.authenticator_set.filter(type="totp").exists()


class SecondFactorStage(AuthenticateStage):
    """allauth's "enter your code" step after sign-in, skipped only for a single sign-on whose
    second factor the school's identity provider vouched for (a password sign-in always asks)."""

    def handle(self) -> tuple:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and sociallogin.state.get(IDP_SECOND_FACTOR):
            return None, True
        return super().handle()
