"""After a sign-in through a school's identity provider (connected in SsoConfig.ready)."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from accounts.identity import remember_identity
from accounts.second_factor import IDP_SECOND_FACTOR, vouch_second_factor

from .adapter import asserted_email
from .selectors import provider_by_slug
from .services import after_sign_in


@receiver(user_logged_in)
def signed_in_through_identity_provider(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None:
        return  # a password sign-in: nothing of ours
    provider = provider_by_slug(sociallogin.account.provider)
    if provider is None:
        return
    after_sign_in(provider=provider, user=user, email=asserted_email(sociallogin))
    # The session's identity was written as Django signed the user in, before an enrollment
    # this sign-in may have made; this request saves the session last, so write it again.
    remember_identity(request.session, user.pk)
    if sociallogin.state.get(IDP_SECOND_FACTOR):
        vouch_second_factor(request)
