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

The whole measurement runs on SQLite, then on PostgreSQL, in one run, and prints them side by
side: each rate, its ratio to the bare view (target: first check-ins >= 12% of it on SQLite),
the lowest and highest ratio of a single round, and the statements one check-in request
sends (target: at most 8), counted after the timed part.

    .venv/bin/python bench/throughput.py [--seconds 15] [--rounds 3] [--clients 8]
        [--postgres-url URL | --sqlite-only] [--first-checkins-per-client 1000]
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
    statements_per_checkin,
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


TARGET_RATIO = 0.12
TARGET_STATEMENTS = 8


def measure(args, database_url: str | None) -> dict:
    """Rates (per second) of every kind, errors, per-round ratios and statement counts."""
    clients, rounds, slice_ = args.clients, args.rounds, args.seconds / args.rounds
    # Enough students for every client to submit first check-ins for the whole run, plus one
    # student per client for the resubmits and the floor, and one for counting statements.
    students = clients * (args.first_checkins_per_client + 1) + 1
    totals = {kind: [0, 0, 0.0] for kind in KINDS}
    round_rates: list[dict[str, float]] = []
    with fresh_site(students=students, database_url=database_url) as env, \
            ProcessPoolExecutor(max_workers=clients) as pool, \
            gunicorn("bench.hello:application", env) as hello_port, \
            gunicorn("wellrounded.wsgi", {**env, "DJANGO_SETTINGS_MODULE": "bench.floor"}) \
            as floor_port, \
            gunicorn("wellrounded.wsgi", env) as app_port:  # fmt: skip
        sessions = sessions_of_students_without_a_checkin(env)[:-1]  # the last: statements
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
        statements = statements_per_checkin(env, CHECKIN)

    return {
        "rate": {kind: done / elapsed for kind, (done, _, elapsed) in totals.items()},
        "errors": {kind: totals[kind][1] for kind in KINDS},
        "students": totals["first"][0],
        "rounds": {
            kind: [r[kind] / r["hello"] for r in round_rates] for kind in ("first", "resubmit")
        },
        "statements": statements,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15, help="Per kind, over all rounds.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/wr_bench_throughput"
    )
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--first-checkins-per-client", type=int, default=1000)
    args = parser.parse_args()

    databases = {"SQLite (WAL)": None}
    if not args.sqlite_only:
        databases["PostgreSQL"] = args.postgres_url
    results = {name: measure(args, url) for name, url in databases.items()}

    print(
        f"gunicorn 2 workers; {args.clients} client processes; {args.rounds} rounds of "
        f"{args.seconds / args.rounds:.1f} s per kind; stock Django backends"
    )
    names = list(results)
    print(f"{'':40}" + "".join(f"{name:>16}" for name in names))

    def row(label: str, cell) -> None:
        print(f"{label:40}" + "".join(f"{cell(results[name]):>16}" for name in names))

    row("bare Django hello view (req/s)", lambda r: f"{r['rate']['hello']:.1f}")
    row("app stack + one UPDATE (req/s)", lambda r: f"{r['rate']['floor']:.1f}")
    row("first check-ins (req/s)", lambda r: f"{r['rate']['first']:.1f}")
    row("resubmits (req/s)", lambda r: f"{r['rate']['resubmit']:.1f}")
    row("errors (hello/floor/first/resub)", lambda r: "/".join(map(str, r["errors"].values())))
    row("first check-ins / hello", lambda r: f"{r['rate']['first'] / r['rate']['hello']:.1%}")
    row(
        "  lowest-highest round",
        lambda r: f"{min(r['rounds']['first']):.1%}-{max(r['rounds']['first']):.1%}",
    )
    row("resubmits / hello", lambda r: f"{r['rate']['resubmit'] / r['rate']['hello']:.1%}")
    row("first check-ins / floor", lambda r: f"{r['rate']['first'] / r['rate']['floor']:.1%}")
    row("queries: first check-in (+BEGIN/COMMIT)", lambda r: "{} (+{})".format(*r["statements"]))
    row("queries: resubmit (+BEGIN/COMMIT)", lambda r: "{2} (+{3})".format(*r["statements"]))
    sqlite = results["SQLite (WAL)"]
    ratio = sqlite["rate"]["first"] / sqlite["rate"]["hello"]
    print(
        f"targets: first check-ins >= {TARGET_RATIO:.0%} of hello on SQLite "
        f"({'met' if ratio >= TARGET_RATIO else 'NOT met'}: {ratio:.1%}); at most "
        f"{TARGET_STATEMENTS} queries per check-in request ("
        + ", ".join(
            f"{name}: {'met' if max(r['statements'][::2]) <= TARGET_STATEMENTS else 'NOT met'}"
            for name, r in results.items()
        )
        + ")"
    )


if __name__ == "__main__":
    main()
