"""allauth's socialaccount, configured per school from IdentityProvider rows.

allauth looks its "apps" (one per identity provider) up through the adapter's `list_apps`, so
a school administrator's settings take effect at once, with no SocialApp in the operator's
admin and no secret in the settings file. `pre_social_login` refuses an address outside the
school's allowed domains before anything is written.
"""

from allauth.account.utils import user_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.shortcuts import render

from accounts.second_factor import IDP_SECOND_FACTOR

from .models import IdentityProvider, Protocol
from .sealing import open_client_secret
from .selectors import enabled_providers, provider_by_slug
from .services import claims_of, vouches_for_second_factor

# Where SAML identity providers put the address: eduPerson/LDAP `mail` (Shibboleth, InCommon),
# Microsoft's claim (Entra ID, ADFS), and the plain names pysaml2 and others use.
SAML_ATTRIBUTES = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id", "urn:oid:1.3.6.1.4.1.5923.1.1.1.6"],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "mail",
        "email",
    ],
    "first_name": ["urn:oid:2.5.4.42", "givenName"],
    "last_name": ["urn:oid:2.5.4.4", "sn", "surname"],
}


def social_app_for(provider: IdentityProvider) -> SocialApp:
    """The allauth app (never saved) for a school's identity provider."""
    common = {
        # The school's provider is authoritative for its own domains: an address there that it
        # asserts is the person's, and it signs them in to the account that has it.
        "verified_email": provider.domains,
        "email_authentication": True,
    }
    if provider.protocol == Protocol.SAML:
        return SocialApp(
            provider="saml",
            provider_id=provider.slug,
            client_id=provider.slug,
            name=provider.name,
            settings={
                **common,
                "idp": {
                    "entity_id": provider.idp_entity_id,
                    "sso_url": provider.idp_sso_url,
                    "x509cert": provider.idp_certificate,
                },
                "attribute_mapping": SAML_ATTRIBUTES,
                "advanced": {
                    "want_assertion_signed": True,
                    "reject_idp_initiated_sso": True,
                    "strict": True,
                },
            },
        )
    return SocialApp(
        provider="openid_connect",
        provider_id=provider.slug,
        client_id=provider.client_id,
        secret=open_client_secret(provider.sealed_client_secret),
        name=provider.name,
        settings={**common, "server_url": provider.issuer_url},
    )


def asserted_email(sociallogin) -> str:
    """The address the identity provider asserted in this sign-in (not the one an existing
    account holds now: that may have changed since)."""
    addresses = sorted(sociallogin.email_addresses, key=lambda address: not address.primary)
    email = addresses[0].email if addresses else ""
    if not email and sociallogin.user and not sociallogin.is_existing:
        email = user_email(sociallogin.user)
    return (email or "").strip().lower()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None) -> list[SocialApp]:
        apps = [social_app_for(idp) for idp in enabled_providers()]
        if provider:
            apps = [app for app in apps if provider in (app.provider, app.provider_id)]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def pre_social_login(self, request, sociallogin) -> None:
        provider = provider_by_slug(sociallogin.account.provider)
        email = asserted_email(sociallogin)
        if provider is None or not provider.allows(email):
            context = {"provider": provider, "email": email}
            raise ImmediateHttpResponse(render(request, "sso/refused.html", context, status=403))
        # Kept in the login's state through allauth's stages: SecondFactorStage (in
        # accounts/second_factor.py) reads it, and the sign-in receiver marks the session.
        sociallogin.state[IDP_SECOND_FACTOR] = vouches_for_second_factor(
            provider, claims_of(sociallogin)
        )

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Only addresses in the school's domains reach here (pre_social_login): such a person
        # may make an account without an invite code; the roster decides their cohort.
        provider = provider_by_slug(sociallogin.account.provider)
        return provider is not None and provider.allows(asserted_email(sociallogin))
