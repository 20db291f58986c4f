"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring).

Single sign-on settings belong to the school administrator (the rule "school_admin" of
schools/tests/matrix.py: each administrator reaches their own school's page, nobody else).
sso/tests/test_settings_page.py walks the same routes with the forms' data.
"""

from sso.models import IdentityProvider, Protocol
from sso.sealing import seal_client_secret

PAGES: dict[str, str] = {
    "school_sso": "school_admin",
    "school_sso_remove": "school_admin",
}


def api_rule(path: str) -> str | None:
    return None


def objects(world: dict) -> dict:
    IdentityProvider.objects.create(
        school=world["school"],
        slug="riverside",
        protocol=Protocol.OIDC,
        name="Riverside Login",
        allowed_domains="riverside.example",
        issuer_url="https://login.riverside.example",
        client_id="well-rounded",
        sealed_client_secret=seal_client_secret("matrix-client-secret-value"),
    )
    return {"secrets": ["matrix-client-secret-value"]}
