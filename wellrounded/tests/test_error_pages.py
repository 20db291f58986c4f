"""Every error page keeps "Need help now" and a way home; the 500 page needs no database."""

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from conftest import with_totp

HELP = f'href="{reverse("need_help")}"'
HOME = f'href="{reverse("home")}"'


def has_ways_on(html: str) -> bool:
    return HELP in html and ">Need help now<" in html and HOME in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "student"])
def test_the_404_page_has_the_help_link_a_way_home_and_the_navigation(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert has_ways_on(html)
    assert "We can't find that page" in html
    assert 'aria-label="Main"' in html
    if who:
        assert f'href="{reverse("checkin_quick")}"' in html  # the student's own tab bar


@pytest.mark.django_db
def test_the_403_page_says_why_and_has_the_help_link(client, staff):
    with_totp(staff)
    client.force_login(staff)

    response = client.get(reverse("checkin"))  # a student page

    assert response.status_code == 403
    html = response.content.decode()
    assert has_ways_on(html)
    assert "This page is for students." in html


@pytest.mark.django_db
def test_a_refused_form_for_an_old_csrf_token_has_the_help_link(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.post(reverse("checkin"), {"mood": "3"})

    assert response.status_code == 403
    html = response.content.decode()
    assert has_ways_on(html) and "Please try that again" in html


@pytest.mark.django_db
def test_the_400_page_has_the_help_link(client, settings):
    settings.ROOT_URLCONF = "wellrounded.tests.error_urls"

    response = client.get("/bad/")

    assert response.status_code == 400
    assert has_ways_on(response.content.decode())


@pytest.mark.django_db
def test_a_button_address_opened_directly_gets_a_405_page_not_a_blank_one(client, student):
    client.force_login(student)

    response = client.get(reverse("checkin_delete"))
    api = client.get("/api/safety/not-safe")

    assert response.status_code == 405 and response["Allow"] == "POST"
    assert has_ways_on(response.content.decode())
    assert api.status_code == 405 and "Need help now" not in api.content.decode()


def test_the_500_page_renders_without_the_database():
    """No `db` fixture here: any query, by the handler, its template or a context processor,
    would fail this test."""
    handler = get_resolver().resolve_error_handler(500)

    response = handler(RequestFactory().get("/checkin/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert has_ways_on(html)
    assert "Something went wrong on our side" in html
    assert 'href="tel:988"' in html  # the help page needs the database: the lines are here too


def test_an_uncaught_error_gets_the_500_page_without_touching_the_database(settings):
    settings.ROOT_URLCONF = "wellrounded.tests.error_urls"
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert has_ways_on(response.content.decode())
