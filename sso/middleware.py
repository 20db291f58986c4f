from urllib.parse import urlsplit

from csp.decorators import csp_update

from .models import Protocol
from .selectors import provider_by_slug

# allauth's "sign in via <provider>" views: a form of ours whose answer redirects to the school's
# identity provider, which the site's `form-action 'self'` would otherwise stop.
LOGIN_VIEWS = {"openid_connect_login": "provider_id", "saml_login": "organization_slug"}


class IdentityProviderFormActionMiddleware:
    """Allow the sign-in form of allauth's provider views to lead to that school's identity
    provider (its origin only, on those two views only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        slug_kwarg = LOGIN_VIEWS.get(getattr(match, "url_name", None))
        if slug_kwarg is None:
            return None
        provider = provider_by_slug(view_kwargs.get(slug_kwarg, ""))
        if provider is None:
            return None
        url = provider.idp_sso_url if provider.protocol == Protocol.SAML else provider.issuer_url
        parts = urlsplit(url)
        if not parts.scheme or not parts.netloc:
            return None
        origin = f"{parts.scheme}://{parts.netloc}"
        return csp_update({"form-action": [origin]})(view_func)(request, *view_args, **view_kwargs)
