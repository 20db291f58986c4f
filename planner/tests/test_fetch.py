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
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.4",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104
        "::1",
        "::ffff:127.0.0.1",
        "fd00::1",
        "100.64.0.1",
        "64:ff9b::a9fe:a9fe",  # NAT64 to 169.254.169.254
        "2002:a9fe:a9fe::1",  # 6to4 around 169.254.169.254 (global for Python 3.11)
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(monkeypatch, address):
    resolving_to(monkeypatch, address)
    with pytest.raises(CalendarError, match="private network"):
        fetch_calendar("https://calendar.example/c.ics")


def test_one_private_address_among_public_ones_is_enough_to_refuse(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34", "10.0.0.1")
    with pytest.raises(CalendarError, match="private network"):
        fetch_calendar("https://calendar.example/c.ics")


@pytest.mark.parametrize("port", ["8443", "22", "80", "0", "x"])
def test_only_the_standard_https_port(port):
    with pytest.raises(CalendarError, match="no port number"):
        fetch_calendar(f"https://calendar.example:{port}/c.ics")


class FakeResponse:
    def __init__(self, status, body=b""):
        self.status, self.body = status, body

    def read(self, limit):
        chunk, self.body = self.body[:limit], self.body[limit:]
        return chunk


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


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(monkeypatch):
    """DNS rebinding: the name resolves to a public address when checked and to loopback
    afterwards; the socket must be opened to the address that was checked."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]])

    def getaddrinfo(*args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 443)) for a in next(answers)]

    connected = []

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("stop before TLS")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)

    with pytest.raises(CalendarError, match="could not be fetched"):
        fetch_calendar("https://calendar.example/c.ics")
    assert connected == [("93.184.216.34", 443)]


class DrippingResponse:
    """A server that sends one byte a second forever (slowloris)."""

    status = 200

    def __init__(self, clock):
        self.clock = clock

    def read(self, limit):
        self.clock[0] += 1
        return b"x"


def test_a_server_dripping_bytes_is_cut_off_at_the_overall_deadline(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(ics, "monotonic", lambda: clock[0])
    resolving_to(monkeypatch, "93.184.216.34")
    fake_connection(monkeypatch, DrippingResponse(clock))

    with pytest.raises(CalendarError, match="within 10 s"):
        fetch_calendar("https://calendar.example/c.ics")
    assert clock[0] <= ics.FETCH_DEADLINE + 1
