"""Shared pieces of the benchmarks: a fresh database, a gunicorn server, an HTTP client.

Every benchmark runs its servers on 127.0.0.1 only, with bounded request counts and times.
"""

import base64
import hmac
import http.client
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "WR_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "wellrounded.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


@contextmanager
def fresh_site(students: int, days: int = 1, database_url: str | None = None):
    """A migrated database with the demo school, in a temporary data directory."""
    with tempfile.TemporaryDirectory(prefix="wr-bench-") as tmp:
        env = bench_env(Path(tmp), database_url)
        if database_url:
            import psycopg

            base, name = database_url.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{name}"')
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "seed_demo", "--students", str(students), "--days", str(days))
        yield env


def wait_for(port: int, what: str, seconds: float = 30) -> None:
    """Until the server answers HTTP (not merely accepts connections)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


@contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int = 2, stdout=None, cwd: Path = ROOT):
    """`cwd`: the source tree to serve (another commit's, to compare before and after)."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [GUNICORN, app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--log-level", "warning"],
        cwd=cwd, env=env, stdout=stdout,
    )  # fmt: skip
    try:
        wait_for(port, app)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


class Client:
    """A tiny keep-alive HTTP client with cookies and Django's CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.location: str | None = None  # of the last answer
        self.headers: dict[str, str] = {}  # sent with every request, e.g. X-Forwarded-For

    def request(
        self, method: str, path: str, form: dict | None = None, json_body: str | None = None
    ):
        headers = {"Host": "127.0.0.1", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            body = json_body
            headers["Content-Type"] = "application/json"
        if method != "GET" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
            headers["Referer"] = f"http://127.0.0.1:{self.port}/"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        content = response.read()
        self.location = response.getheader("Location")
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, content

    def login(self, email: str, password: str) -> None:
        self.request("GET", "/accounts/login/")
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {
                "login": email,
                "password": password,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            },
        )
        if status != 302:
            raise RuntimeError(f"login failed for {email}: {status}")

    def login_with_totp(self, email: str, password: str, secret: str) -> None:
        """Staff sign in with their password, then a code from their authenticator app."""
        self.login(email, password)
        _, page = self.request("GET", "/accounts/2fa/authenticate/")
        status, _ = self.request(
            "POST",
            "/accounts/2fa/authenticate/",
            {"code": totp_code(secret), "csrfmiddlewaretoken": self.csrf_from(page)},
        )
        if status != 302:
            raise RuntimeError(f"second factor refused for {email}: {status}")

    def csrf_from(self, html: bytes) -> str:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1).decode() if match else self.cookies.get("csrftoken", "")


def enable_totp(env: dict[str, str], email: str) -> str:
    """Give a staff account an authenticator app (as they would at first sign-in); return
    its secret so a benchmark client can type codes."""
    code = (
        "from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret\n"
        "from accounts.models import User\n"
        "secret = generate_totp_secret()\n"
        f"TOTP.activate(User.objects.get(email={email!r}), secret)\n"
        "print(secret)\n"
    )
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


def totp_code(secret: str, period: int = 30) -> str:
    """RFC 6238 (SHA-1, 6 digits), as authenticator apps compute it. A code made in the last
    seconds of its window can expire in flight, so wait for a fresh window first."""
    remaining = period - time.time() % period
    if remaining < 3:
        time.sleep(remaining + 0.1)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time() // period)), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def student_email(i: int) -> str:
    return "student@northbrook.example" if i == 0 else f"student{i + 1:06d}@northbrook.example"


SESSIONS_FOR_FRESH_STUDENTS = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from accounts.identity import remember_identity
from accounts.sessions import SessionStore
from checkins.models import CheckIn
from schools.models import Enrollment
for enrollment in Enrollment.objects.select_related("student", "school").order_by("pk"):
    student = enrollment.student
    if CheckIn.objects.filter(student=student, day=enrollment.school.today()).exists():
        continue
    session = SessionStore()
    session[SESSION_KEY] = str(student.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = student.get_session_auth_hash()
    remember_identity(session, student.pk)  # as signing in does
    session.create()
    print(session.session_key)
"""


STATEMENTS_PER_CHECKIN = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from checkins.models import CheckIn
from schools.models import Enrollment
answers = {ANSWERS!r}
for enrollment in Enrollment.objects.select_related("student", "school").order_by("-pk"):
    today = enrollment.school.today()
    if not CheckIn.objects.filter(student=enrollment.student, day=today).exists():
        break
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(enrollment.student)
counts = []
for mood in ("3", "4"):
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/checkin/", dict(answers, mood=mood))
    assert response.status_code == 302, response.status_code
    control = [q for q in queries if q["sql"].split()[0] in ("BEGIN", "COMMIT", "ROLLBACK")]
    counts += [len(queries) - len(control), len(control)]
print("statements", *counts)
"""


def statements_per_checkin(env: dict[str, str], answers: dict[str, str]) -> tuple[int, ...]:
    """The statements one check-in request sends, as the app serves it: a student's first
    check-in of the day (their week's cells exist), then a resubmit; each as (queries,
    transaction control: SQLite's BEGIN IMMEDIATE and COMMIT are logged, PostgreSQL's are
    not). Run after the timed part (it signs a student in, and checks in once)."""
    code = STATEMENTS_PER_CHECKIN.replace("{ANSWERS!r}", repr(answers))
    out = manage(env, "shell", "--no-imports", "-v", "0", "-c", code)
    [line] = [line for line in out.splitlines() if line.startswith("statements ")]
    return tuple(int(count) for count in line.split()[1:])


def sessions_of_students_without_a_checkin(env: dict[str, str]) -> list[str]:
    """A signed-in session for every student who has not checked in today (the school's
    today), made the way Django's own login makes one, without a password round each: the
    benchmark measures check-ins, not sign-ins."""
    out = manage(env, "shell", "--no-imports", "-v", "0", "-c", SESSIONS_FOR_FRESH_STUDENTS)
    return [line for line in out.splitlines() if re.fullmatch(r"[a-z0-9]{32}", line)]
