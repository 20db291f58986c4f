"""Check-in submissions per second through the real stack vs a bare Django view.

Both are served by gunicorn with 2 workers on 127.0.0.1 in the same run; the check-ins go
through session auth, CSRF, the form, the service, encryption and the rollups. Prints both
rates and their ratio (target: check-ins >= 15% of the bare view).

    .venv/bin/python bench/throughput.py [--seconds 15] [--clients 8] [--database-url URL]
"""

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Client, fresh_site, gunicorn, student_email  # noqa: E402

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
        done += status == 302
        errors += status != 302
        # A browser follows the redirect, and the page it lands on shows (and so consumes) the
        # "check-in updated" message. Not following it, this client would send every unread
        # message back: the cookie would fill up and spill into the session, a write per
        # request that no browser causes.
        client.cookies.pop("messages", None)
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
    args = parser.parse_args()

    with fresh_site(students=args.clients, database_url=args.database_url) as env, \
            ProcessPoolExecutor(max_workers=args.clients) as pool:  # fmt: skip
        with gunicorn("bench.hello:application", env) as port:
            hello_done, hello_errors = run(pool, hello_worker, args.clients, port, args.seconds)
        with gunicorn("wellrounded.wsgi", {**env, "DJANGO_SETTINGS_MODULE": "bench.floor"}) as port:
            floor_done, floor_errors = run(pool, floor_worker, args.clients, port, args.seconds)
        with gunicorn("wellrounded.wsgi", env) as port:
            done, errors = run(pool, checkin_worker, args.clients, port, args.seconds)
    database = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    hello_rate, checkin_rate = hello_done / args.seconds, done / args.seconds
    floor_rate = floor_done / args.seconds
    print(f"database: {database}; gunicorn 2 workers; {args.clients} client processes")
    print(f"bare Django hello view:  {hello_rate:8.1f} req/s ({hello_errors} errors)")
    print(f"app stack + one UPDATE:  {floor_rate:8.1f} req/s ({floor_errors} errors)")
    print(f"check-in submissions:    {checkin_rate:8.1f} req/s ({errors} errors)")
    print(f"ratio floor / hello:     {floor_rate / hello_rate:8.1%}")
    print(f"ratio check-in / floor:  {checkin_rate / floor_rate:8.1%}")
    print(f"ratio check-in / hello:  {checkin_rate / hello_rate:8.1%} (target >= 15%)")


if __name__ == "__main__":
    main()
