"""Fetching a calendar URL must not let anyone aim the server at its own network (SSRF)."""

import socket

import pytest

from planner import ics
from planner.ics import CalendarError, fetch_calendar


def resolving_to(monkeypatch, *addresses):
    infos = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 443)) for a in addresses]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: infos)


@pytest.mark.parametrize(
    "url", ["http://calendar.example/c.ics", "file:///etc/passwd", "ftp://x/y", "https://"]
)
def test_only_https_links(url):
    with pytest.raises(CalendarError, match="https"):
        fetch_calendar(url)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.4", "169.254.169.254", "0.0.0.0", "::1"],  # noqa: S104
)
def test_private_loopback_and_link_local_addresses_are_refused(monkeypatch, address):
    resolving_to(monkeypatch, address)
    with pytest.raises(CalendarError, match="private network"):
        fetch_calendar("https://calendar.example/c.ics")


def test_one_private_address_among_public_ones_is_enough_to_refuse(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34", "10.0.0.1")
    with pytest.raises(CalendarError, match="private network"):
        fetch_calendar("https://calendar.example/c.ics")


class FakeResponse:
    def __init__(self, status, body=b""):
        self.status, self.body = status, body

    def read(self, limit):
        return self.body[:limit]


def fake_connection(monkeypatch, response):
    class Fake:
        def __init__(self, host, address, port):
            self.host, self.address = host, address

        def request(self, *args, **kwargs):
            pass

        def getresponse(self):
            return response

        def close(self):
            pass

    monkeypatch.setattr(ics, "_PinnedHTTPSConnection", Fake)


def test_a_redirect_is_not_followed(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34")
    fake_connection(monkeypatch, FakeResponse(302))
    with pytest.raises(CalendarError, match="redirects"):
        fetch_calendar("https://calendar.example/c.ics")


def test_a_body_over_the_cap_is_refused_while_reading(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34")
    fake_connection(monkeypatch, FakeResponse(200, b"x" * (ics.MAX_BYTES + 10)))
    with pytest.raises(CalendarError, match="larger than 1 MB"):
        fetch_calendar("https://calendar.example/c.ics")


def test_a_public_calendar_is_returned(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34")
    fake_connection(monkeypatch, FakeResponse(200, b"BEGIN:VCALENDAR"))
    assert fetch_calendar("https://calendar.example/c.ics") == b"BEGIN:VCALENDAR"
