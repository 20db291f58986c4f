"""Check-in submissions per second through the real stack vs a bare Django view.

All are served by gunicorn with 2 workers on 127.0.0.1 in the same run; the check-ins go
through session auth, CSRF, the form, the service and the rollups. Measured, in order:

- a bare Django "hello" view (bench/hello.py), first and again last: the reference is the
  mean of the two, as this shared machine's speed drifts within a run;
- the floor: the app's own settings and middleware with one signed-in UPDATE (bench/floor.py);
- first check-ins of the day, each from a different signed-in student (the common case: each
  adds the student to the check-in's rows of their cohort and rotation);
- resubmits: the same 8 students changing one answer again and again (an unchanged answer
  cancels out before anything is read).

Prints each rate and its ratio to the bare view (target: check-ins >= 15% of it).

    .venv/bin/python bench/throughput.py [--seconds 15] [--clients 8] [--database-url URL]
        [--first-checkins-per-client 1000]
"""

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    Client,
    fresh_site,
    gunicorn,
    sessions_of_students_without_a_checkin,
    student_email,
)

CHECKIN = {
    "mood": "3", "stress": "4", "energy": "2", "sleep_hours": "6", "sleep_quality": "3",
    "loneliness": "2", "purpose": "4", "moved": "on",
}  # fmt: skip


def hello_worker(port: int, seconds: float) -> tuple[int, int]:
    client, done, errors = Client(port), 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _ = client.request("GET", "/")
        done += status == 200
        errors += status != 200
    return done, errors


def checkin_worker(port: int, seconds: float, index: int) -> tuple[int, int]:
    client = Client(port)
    client.login(student_email(index), "wellrounded-demo")
    _, page = client.request("GET", "/checkin/")
    token = client.csrf_from(page)
    done = errors = 0
    deadline = time.monotonic() + seconds
    mood = 1
    while time.monotonic() < deadline:
        mood = mood % 5 + 1
        status, _ = client.request(
            "POST", "/checkin/", {**CHECKIN, "mood": str(mood), "csrfmiddlewaretoken": token}
        )
        saved = status == 302 and client.location == "/checkin/"  # not a sign-in redirect
        done += saved
        errors += not saved
        # A browser follows the redirect, and the page it lands on shows (and so consumes) the
        # "check-in updated" message. Not following it, this client would send every unread
        # message back: the cookie would fill up and spill into the session, a write per
        # request that no browser causes.
        client.cookies.pop("messages", None)
    return done, errors


def first_checkin_worker(port: int, seconds: float, sessions: list[str], csrf: str):
    """Each session is a different student's first check-in of the day: the common case, and
    the dearer one (every measure's cells get a new member)."""
    client = Client(port)
    client.cookies["csrftoken"] = csrf
    done = errors = 0
    deadline = time.monotonic() + seconds
    for session in sessions:
        if time.monotonic() >= deadline:
            break
        client.cookies["sessionid"] = session
        status, _ = client.request("POST", "/checkin/", {**CHECKIN, "csrfmiddlewaretoken": csrf})
        saved = status == 302 and client.location == "/checkin/"
        done += saved
        errors += not saved
        client.cookies.pop("messages", None)  # as in checkin_worker
    return done, errors


def floor_worker(port: int, seconds: float, index: int) -> tuple[int, int]:
    client = Client(port)
    client.login(student_email(index), "wellrounded-demo")
    client.request("GET", "/bench/floor/")
    token = client.cookies["csrftoken"]
    done = errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _ = client.request("POST", "/bench/floor/", {"csrfmiddlewaretoken": token})
        done += status == 302
        errors += status != 302
    return done, errors


def run(pool: ProcessPoolExecutor, fn, clients: int, *args) -> tuple[float, int]:
    per_client = fn in (checkin_worker, floor_worker)
    futures = [pool.submit(fn, *args, i) if per_client else pool.submit(fn, *args)
               for i in range(clients)]  # fmt: skip
    results = [f.result() for f in futures]
    return sum(r[0] for r in results), sum(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--first-checkins-per-client", type=int, default=1000)
    args = parser.parse_args()

    # Enough students for every client to submit first check-ins for the whole run.
    students = args.clients * args.first_checkins_per_client
    with fresh_site(students=students, database_url=args.database_url) as env, \
            ProcessPoolExecutor(max_workers=args.clients) as pool:  # fmt: skip
        sessions = sessions_of_students_without_a_checkin(env)
        with gunicorn("bench.hello:application", env) as port:
            hello_done, hello_errors = run(pool, hello_worker, args.clients, port, args.seconds)
        with gunicorn("wellrounded.wsgi", {**env, "DJANGO_SETTINGS_MODULE": "bench.floor"}) as port:
            floor_done, floor_errors = run(pool, floor_worker, args.clients, port, args.seconds)
        with gunicorn("wellrounded.wsgi", env) as port:
            anonymous = Client(port)
            anonymous.request("GET", "/accounts/login/")
            csrf = anonymous.cookies["csrftoken"]
            started = time.monotonic()
            futures = [
                pool.submit(first_checkin_worker, port, args.seconds, sessions[i :: args.clients],
                            csrf)
                for i in range(args.clients)
            ]  # fmt: skip
            first_results = [f.result() for f in futures]
            first_seconds = time.monotonic() - started
            done, errors = run(pool, checkin_worker, args.clients, port, args.seconds)
        # The bare view again, last: this shared machine's speed drifts within a run, so the
        # reference is the mean of a measurement before and one after the check-ins.
        with gunicorn("bench.hello:application", env) as port:
            again_done, again_errors = run(pool, hello_worker, args.clients, port, args.seconds)
    first_done = sum(r[0] for r in first_results)
    first_errors = sum(r[1] for r in first_results)
    database = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    hello_first, hello_last = hello_done / args.seconds, again_done / args.seconds
    hello_rate, resubmit_rate = (hello_first + hello_last) / 2, done / args.seconds
    hello_errors += again_errors
    floor_rate = floor_done / args.seconds
    first_rate = first_done / first_seconds
    print(f"database: {database}; gunicorn 2 workers; {args.clients} client processes")
    print(
        f"bare Django hello view:  {hello_rate:8.1f} req/s (first {hello_first:.1f}, last "
        f"{hello_last:.1f}; {hello_errors} errors)"
    )
    print(f"app stack + one UPDATE:  {floor_rate:8.1f} req/s ({floor_errors} errors)")
    print(
        f"first check-ins of the day: {first_rate:8.1f} req/s ({first_errors} errors; "
        f"{first_done:,} students in {first_seconds:.1f} s)"
    )
    print(f"resubmits (one answer changed): {resubmit_rate:8.1f} req/s ({errors} errors)")
    print(f"ratio floor / hello:     {floor_rate / hello_rate:8.1%}")
    for label, rate in (("first check-ins", first_rate), ("resubmits", resubmit_rate)):
        print(
            f"ratio {label} / hello: {rate / hello_rate:8.1%} (target >= 15%); "
            f"/ floor: {rate / floor_rate:6.1%}"
        )


if __name__ == "__main__":
    main()
