"""Planning a busy week: 200 commitments, p50/p95/max over many runs (the target is < 50 ms).

Pure Python: no database, no server. `python bench/planner.py [--runs 200] [--events 200]`.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.planning import Busy, Prefs, propose_week  # noqa: E402

KINDS = ["shift", "call", "night_float", "exam", "class", "other"]


def busy_week(monday: date, zone: ZoneInfo, events: int, rng: random.Random) -> list[Busy]:
    """`events` commitments in the week, short and long, some overlapping."""
    origin = datetime.combine(monday, datetime.min.time(), tzinfo=zone)
    busy = []
    for _ in range(events):
        start = origin + timedelta(minutes=rng.randrange(0, 7 * 24 * 60, 5))
        busy.append(Busy(start, start + timedelta(minutes=rng.choice([15, 30, 45, 60])),
                         rng.choice(KINDS)))  # fmt: skip
    return busy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    zone = ZoneInfo("America/New_York")
    monday = date(2026, 11, 23)
    rng = random.Random(8)  # noqa: S311  # nosec B311 - reproducible benchmark input
    weeks = [busy_week(monday, zone, args.events, rng) for _ in range(args.runs)]
    prefs = Prefs(450)
    timings = []
    blocks = 0
    for busy in weeks:
        started = time.perf_counter()
        plan = propose_week(monday, zone, busy, prefs)
        timings.append((time.perf_counter() - started) * 1000)
        blocks += len(plan.blocks)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"planner: a week with {args.events} events, {args.runs} runs, "
          f"{blocks / len(weeks):.0f} blocks on average")  # fmt: skip
    print(f"  p50 {statistics.median(timings):.1f} ms  p95 {p95:.1f} ms  max {timings[-1]:.1f} ms"
          f"  (target < 50 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
