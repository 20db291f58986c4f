"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring).

Single sign-on settings belong to the school administrator, a role none of the matrix's users
has: every one of them is refused. sso/tests/test_settings_page.py walks the same routes as
the administrator of the school and of another school.
"""

from sso.models import IdentityProvider, Protocol
from sso.sealing import seal_client_secret

PAGES: dict[str, str] = {
    "school_sso": "school_admin",
    "school_sso_remove": "school_admin",
}
MAY_REACH = {"school_admin": set()}


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
