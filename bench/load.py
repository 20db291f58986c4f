"""Sustained mixed load on loopback: students check in, open insights and habits; staff open
the dashboard. Prints p50/p95/p99 latency per kind and the error count.

    .venv/bin/python bench/load.py [--seconds 600] [--students 8] [--rate 20]

`--rate` is the target requests per second across all clients (open loop per client, so a
slow server shows up as latency, not as a lower rate). Target: 0 errors, p95 < 300 ms.
"""

import argparse
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    Client,
    enable_totp,
    fresh_site,
    gunicorn,
    percentile,
    student_email,
)

CHECKIN = {
    "mood": "3", "stress": "3", "energy": "3", "sleep_hours": "7", "sleep_quality": "3",
    "loneliness": "2", "purpose": "4",
}  # fmt: skip
STUDENT_MIX = [("checkin", 3), ("insights", 3), ("habits", 2), ("home", 2)]


def student_worker(port: int, index: int, seconds: float, interval: float) -> list[tuple]:
    rng = random.Random(index)  # noqa: S311  # nosec B311
    client = Client(port)
    client.login(student_email(index), "wellrounded-demo")
    _, page = client.request("GET", "/checkin/")
    token = client.csrf_from(page)
    kinds = [kind for kind, weight in STUDENT_MIX for _ in range(weight)]
    samples = []
    deadline = time.monotonic() + seconds
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        kind = rng.choice(kinds)
        started = time.perf_counter()
        try:
            if kind == "checkin":
                form = {**CHECKIN, "mood": str(rng.randint(1, 5)), "csrfmiddlewaretoken": token}
                status, _ = client.request("POST", "/checkin/", form)
                ok = status == 302
            else:
                path = {"insights": "/insights/", "habits": "/habits/", "home": "/"}[kind]
                status, _ = client.request("GET", path)
                ok = status == 200
        except OSError:
            ok = False
        samples.append((kind, time.perf_counter() - started, ok))
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    return samples


STAFF = ["clerkship.director@northbrook.example", "dean@northbrook.example"]
# Staff open the dashboard with different pre-declared choices, campaigns and the report.
STAFF_PAGES = [
    "/school/", "/school/?measure=stress&weeks=8", "/school/?measure=loneliness&weeks=26",
    "/school/campaigns/", "/school/reports/", "/school/export.csv",
]  # fmt: skip


def staff_worker(port: int, email: str, secret: str, seconds: float, interval: float) -> list:
    rng = random.Random(email)  # noqa: S311  # nosec B311
    client = Client(port)
    client.login_with_totp(email, "wellrounded-demo", secret)
    samples = []
    deadline = time.monotonic() + seconds
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status, _ = client.request("GET", rng.choice(STAFF_PAGES))
            ok = status == 200
        except OSError:
            ok = False
        samples.append(("staff", time.perf_counter() - started, ok))
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    # One request in ten is a staff page: two staff clients share a tenth of the rate.
    clients = args.students + len(STAFF)
    student_interval = args.students / (args.rate * 0.9)
    staff_interval = len(STAFF) / (args.rate * 0.1)
    site = fresh_site(students=max(args.students, 20), days=60, database_url=args.database_url)
    with site as env, \
            gunicorn("wellrounded.wsgi", env) as port, \
            ProcessPoolExecutor(max_workers=clients) as pool:  # fmt: skip
        secrets = {email: enable_totp(env, email) for email in STAFF}
        futures = [
            pool.submit(student_worker, port, i, args.seconds, student_interval)
            for i in range(args.students)
        ] + [
            pool.submit(staff_worker, port, email, secrets[email], args.seconds, staff_interval)
            for email in STAFF
        ]
        samples = [s for f in futures for s in f.result()]
    rate = len(samples) / args.seconds
    print(f"{len(samples)} requests in {args.seconds:.0f} s ({rate:.1f} req/s), gunicorn 2 workers")
    print(f"{args.students} student clients and {len(STAFF)} staff clients (TOTP sign-in)")
    errors = sum(not ok for _, _, ok in samples)
    for kind in sorted({k for k, _, _ in samples}) + ["all"]:
        times = [t * 1000 for k, t, _ in samples if kind in (k, "all")]
        print(
            f"{kind:>9}: n={len(times):6d}  p50={percentile(times, 50):7.1f} ms  "
            f"p95={percentile(times, 95):7.1f} ms  p99={percentile(times, 99):7.1f} ms"
        )
    print(f"errors: {errors} (target 0); p95 target < 300 ms")


if __name__ == "__main__":
    main()
