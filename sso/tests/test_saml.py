"""SAML 2.0 sign-in against a real identity provider: pysaml2's IdP (saml2.server.Server), run
in the test with its own key and certificate, signing with Debian's xmlsec1. It reads our
service provider metadata, parses the AuthnRequest our login redirects with, and answers with
a signed assertion, which the test posts to our assertion consumer service (as the browser
would). Nothing is mocked on our side: allauth's SAML provider and python3-saml verify it."""

import base64
import datetime
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.urls import reverse

from schools.models import Enrollment, RosterEntry, VerifiedBy
from sso.models import IdentityProvider, Protocol

saml2 = pytest.importorskip("saml2")
from saml2 import BINDING_HTTP_REDIRECT  # noqa: E402
from saml2.config import IdPConfig  # noqa: E402
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID  # noqa: E402
from saml2.server import Server  # noqa: E402
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256  # noqa: E402

pytestmark = pytest.mark.django_db

HOST = "wellrounded.riverside.example"
IDP_ENTITY = "https://idp.riverside.example/idp/shibboleth"
IDP_SSO = "https://idp.riverside.example/idp/profile/SAML2/Redirect/SSO"


def key_and_certificate() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.riverside.example")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def sp_client(client, settings):
    settings.ALLOWED_HOSTS = [HOST]
    client.defaults["HTTP_HOST"] = HOST
    return client


@pytest.fixture
def idp(tmp_path, school, sp_client):
    """The school's SAML identity provider (pysaml2), configured as its sign-in."""
    xmlsec = shutil.which("xmlsec1")
    if xmlsec is None:
        pytest.skip("xmlsec1 not found: apt-get install xmlsec1 (pysaml2 signs with it)")
    key_pem, cert_pem = key_and_certificate()
    (tmp_path / "idp.key").write_bytes(key_pem)
    (tmp_path / "idp.crt").write_bytes(cert_pem)
    IdentityProvider.objects.create(
        school=school,
        slug="riverside",
        protocol=Protocol.SAML,
        name="Riverside Shibboleth",
        allowed_domains="riverside.example",
        idp_entity_id=IDP_ENTITY,
        idp_sso_url=IDP_SSO,
        idp_certificate=cert_pem.decode(),
    )
    metadata = sp_client.get(reverse("saml_metadata", args=["riverside"]))
    assert metadata.status_code == 200
    (tmp_path / "sp.xml").write_bytes(metadata.content)
    config = IdPConfig()
    config.load(
        {
            "entityid": IDP_ENTITY,
            "xmlsec_binary": xmlsec,
            "key_file": str(tmp_path / "idp.key"),
            "cert_file": str(tmp_path / "idp.crt"),
            "metadata": {"local": [str(tmp_path / "sp.xml")]},
            "service": {
                "idp": {
                    "endpoints": {"single_sign_on_service": [(IDP_SSO, BINDING_HTTP_REDIRECT)]},
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {"default": {"lifetime": {"minutes": 5}}},
                }
            },
        }
    )
    return Server(config=config)


def sign_in_at_idp(client, idp: Server, *, email: str, signed: bool = True):
    """Our login -> the IdP (parses our AuthnRequest, answers with a signed assertion) -> our
    assertion consumer service. Returns our answer to the assertion, redirects followed."""
    login = client.post(reverse("saml_login", args=["riverside"]))
    assert login.status_code == 302
    location = urlsplit(login["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == IDP_SSO
    query = parse_qs(location.query)
    request = idp.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
    acs = request.message.assertion_consumer_service_url
    assert acs == f"http://{HOST}{reverse('saml_acs', args=['riverside'])}"
    response = idp.create_authn_response(
        identity={"mail": [email], "givenName": ["Ana"], "sn": ["Lima"]},
        in_response_to=request.message.id,
        destination=acs,
        sp_entity_id=request.message.issuer.text,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text="ana-persistent-id"),
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
        sign_assertion=signed,
        sign_response=signed,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    # The HTTP-POST binding: the browser posts the base64 of the IdP's response.
    saml_response = base64.b64encode(str(response).encode()).decode()
    return client.post(
        acs,
        {"SAMLResponse": saml_response, "RelayState": query.get("RelayState", [""])[0]},
        follow=True,
    )


def test_a_student_on_the_roster_signs_in_through_the_schools_saml_idp(sp_client, idp, cohort):
    RosterEntry.objects.create(school=cohort.school, email="ana@riverside.example", cohort=cohort)

    page = sign_in_at_idp(sp_client, idp, email="ana@riverside.example")

    assert page.status_code == 200
    assert 'value="ana@riverside.example"' in page.content.decode()  # the sign-up step
    done = sp_client.post(
        reverse("socialaccount_signup"), {"consent": "on", "display_name": "Ana"}, follow=True
    )
    assert done.status_code == 200
    enrollment = Enrollment.objects.get(student__email="ana@riverside.example")
    assert enrollment.cohort == cohort
    assert enrollment.verified_by == VerifiedBy.IDENTITY_PROVIDER


def test_an_unsigned_assertion_is_refused(sp_client, idp, cohort):
    RosterEntry.objects.create(school=cohort.school, email="ana@riverside.example", cohort=cohort)

    page = sign_in_at_idp(sp_client, idp, email="ana@riverside.example", signed=False)

    assert page.status_code == 401  # allauth's "third-party login failure" page
    assert not Enrollment.objects.exists()
    assert "_auth_user_id" not in sp_client.session


def test_an_address_outside_the_domains_is_refused(sp_client, idp):
    page = sign_in_at_idp(sp_client, idp, email="ana@gmail.example")

    assert page.status_code == 403
    assert "This address cannot sign in here" in page.content.decode()


def test_someone_not_on_the_roster_may_join_with_an_invite_code(sp_client, idp, invite):
    sign_in_at_idp(sp_client, idp, email="newcomer@riverside.example")

    wrong = sp_client.post(
        reverse("socialaccount_signup"), {"consent": "on", "invite_code": "NOPE-NOPE"}
    )
    assert "recognise this invite code" in wrong.content.decode()
    assert not Enrollment.objects.exists()

    sp_client.post(reverse("socialaccount_signup"), {"consent": "on", "invite_code": invite.code})
    enrollment = Enrollment.objects.get(student__email="newcomer@riverside.example")
    assert enrollment.cohort == invite.cohort
    assert not enrollment.is_verified  # not on the roster: in, but not counted
