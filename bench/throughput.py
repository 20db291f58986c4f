"""Check-in submissions per second through the real stack vs a bare Django view.

All are served by gunicorn with 2 workers on 127.0.0.1 in the same run; the check-ins go
through session auth, CSRF, the form, the service and the rollups. Measured:

- a bare Django "hello" view (bench/hello.py);
- the floor: the app's own settings and middleware with one signed-in UPDATE (bench/floor.py);
- first check-ins of the day, each from a different signed-in student (the common case: each
  adds the student to the check-in's rows of their cohort and rotation);
- resubmits: 8 signed-in students changing one answer again and again (an unchanged answer
  cancels out before anything is read).

The three servers run side by side, and the four kinds take turns in short slices, round after
round, so that each sees the same machine: this shared machine's speed drifts within a run,
and measuring each kind once, one after the other, let that drift into the ratios. Every
client uses a session made beforehand (no password hashing while the clock runs).

Prints each rate, its ratio to the bare view (target: check-ins >= 15% of it), and the lowest
and highest ratio of a single round.

    .venv/bin/python bench/throughput.py [--seconds 15] [--rounds 3] [--clients 8]
        [--database-url URL] [--first-checkins-per-client 1000]
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
)

CHECKIN = {
    "mood": "3", "stress": "4", "energy": "2", "sleep_hours": "6", "sleep_quality": "3",
    "loneliness": "2", "purpose": "4", "moved": "on",
}  # fmt: skip


KINDS = ("hello", "floor", "first", "resubmit")


def hello_worker(port: int, seconds: float) -> tuple[int, int]:
    client, done, errors = Client(port), 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _ = client.request("GET", "/")
        done += status == 200
        errors += status != 200
    return done, errors


def signed_in(port: int, session: str, csrf: str) -> Client:
    client = Client(port)
    client.cookies.update(sessionid=session, csrftoken=csrf)
    return client


def checkin(client: Client, csrf: str, mood: int = 3) -> bool:
    """One check-in POST; True if it was saved (a redirect back to the check-in page, not to
    the sign-in page)."""
    status, _ = client.request(
        "POST", "/checkin/", {**CHECKIN, "mood": str(mood), "csrfmiddlewaretoken": csrf}
    )
    # A browser follows the redirect, and the page it lands on shows (and so consumes) the
    # "checked in" message. Not following it, this client would send every unread message
    # back: the cookie would fill up and spill into the session, a write per request that no
    # browser causes.
    client.cookies.pop("messages", None)
    return status == 302 and client.location == "/checkin/"


def resubmit_worker(port: int, seconds: float, session: str, csrf: str) -> tuple[int, int]:
    """The same student changing one answer of today's check-in again and again."""
    client, done, errors, mood = signed_in(port, session, csrf), 0, 0, 1
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        mood = mood % 5 + 1
        saved = checkin(client, csrf, mood)
        done += saved
        errors += not saved
    return done, errors


def first_checkin_worker(port: int, seconds: float, sessions: list[str], csrf: str):
    """Each session is a different student's first check-in of the day: the common case."""
    client, done, errors = Client(port), 0, 0
    deadline = time.monotonic() + seconds
    for session in sessions:
        if time.monotonic() >= deadline:
            break
        client.cookies.update(sessionid=session, csrftoken=csrf)
        saved = checkin(client, csrf)
        done += saved
        errors += not saved
    return done, errors


def floor_worker(port: int, seconds: float, session: str, csrf: str) -> tuple[int, int]:
    client, done, errors = signed_in(port, session, csrf), 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _ = client.request("POST", "/bench/floor/", {"csrfmiddlewaretoken": csrf})
        done += status == 302
        errors += status != 302
    return done, errors


def timed(pool: ProcessPoolExecutor, calls: list[tuple]) -> tuple[int, int, float]:
    """Run one call per client at once; (done, errors, seconds until the last finished)."""
    started = time.monotonic()
    results = [f.result() for f in [pool.submit(*call) for call in calls]]
    elapsed = time.monotonic() - started
    return sum(r[0] for r in results), sum(r[1] for r in results), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15, help="Per kind, over all rounds.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--first-checkins-per-client", type=int, default=1000)
    args = parser.parse_args()
    clients, rounds, slice_ = args.clients, args.rounds, args.seconds / args.rounds

    # Enough students for every client to submit first check-ins for the whole run, plus one
    # student per client for the resubmits and the floor.
    students = clients * (args.first_checkins_per_client + 1)
    totals = {kind: [0, 0, 0.0] for kind in KINDS}
    round_rates: list[dict[str, float]] = []
    with fresh_site(students=students, database_url=args.database_url) as env, \
            ProcessPoolExecutor(max_workers=clients) as pool, \
            gunicorn("bench.hello:application", env) as hello_port, \
            gunicorn("wellrounded.wsgi", {**env, "DJANGO_SETTINGS_MODULE": "bench.floor"}) \
            as floor_port, \
            gunicorn("wellrounded.wsgi", env) as app_port:  # fmt: skip
        sessions = sessions_of_students_without_a_checkin(env)
        regulars, fresh = sessions[:clients], sessions[clients:]
        anonymous = Client(app_port)
        anonymous.request("GET", "/accounts/login/")
        csrf = anonymous.cookies["csrftoken"]
        for session in regulars:  # today's check-in exists: what follows are resubmits
            checkin(signed_in(app_port, session, csrf), csrf)
        per_slice = len(fresh) // (clients * (rounds + 1))

        def calls(kind: str, seconds: float, turn: int) -> list[tuple]:
            if kind == "hello":
                return [(hello_worker, hello_port, seconds)] * clients
            if kind == "floor":
                return [(floor_worker, floor_port, seconds, s, csrf) for s in regulars]
            if kind == "resubmit":
                return [(resubmit_worker, app_port, seconds, s, csrf) for s in regulars]
            start = turn * clients * per_slice
            return [
                (first_checkin_worker, app_port, seconds,
                 fresh[start + i * per_slice : start + (i + 1) * per_slice], csrf)
                for i in range(clients)
            ]  # fmt: skip

        for kind in KINDS:  # warm every server's workers up; not counted
            timed(pool, calls(kind, 1.0, rounds))
        for turn in range(rounds):
            rates = {}
            for kind in KINDS:
                done, errors, elapsed = timed(pool, calls(kind, slice_, turn))
                totals[kind][0] += done
                totals[kind][1] += errors
                totals[kind][2] += elapsed
                rates[kind] = done / elapsed
            round_rates.append(rates)

    rate = {kind: done / elapsed for kind, (done, _, elapsed) in totals.items()}
    errors = {kind: totals[kind][1] for kind in KINDS}
    database = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    print(
        f"database: {database}; gunicorn 2 workers; {clients} client processes; "
        f"{rounds} rounds of {slice_:.1f} s per kind"
    )
    print(f"bare Django hello view:  {rate['hello']:8.1f} req/s ({errors['hello']} errors)")
    print(f"app stack + one UPDATE:  {rate['floor']:8.1f} req/s ({errors['floor']} errors)")
    print(
        f"first check-ins of the day: {rate['first']:8.1f} req/s ({errors['first']} errors; "
        f"{totals['first'][0]:,} students)"
    )
    print(
        f"resubmits (one answer changed): {rate['resubmit']:8.1f} req/s "
        f"({errors['resubmit']} errors)"
    )
    print(f"ratio floor / hello:     {rate['floor'] / rate['hello']:8.1%}")
    for label, kind in (("first check-ins", "first"), ("resubmits", "resubmit")):
        by_round = [r[kind] / r["hello"] for r in round_rates]
        print(
            f"ratio {label} / hello: {rate[kind] / rate['hello']:8.1%} (target >= 15%; rounds "
            f"{min(by_round):.1%} to {max(by_round):.1%}); / floor: "
            f"{rate[kind] / rate['floor']:6.1%}"
        )


if __name__ == "__main__":
    main()
