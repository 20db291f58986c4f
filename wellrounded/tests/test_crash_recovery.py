"""Kill the server mid-write under load; the database must come back whole and consistent."""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time

from bench.harness import (
    GUNICORN,
    ROOT,
    Client,
    free_port,
    fresh_site,
    manage,
    student_email,
    wait_for,
)

CHECKIN = {
    "mood": "3", "stress": "4", "energy": "2", "sleep_hours": "6", "sleep_quality": "3",
    "loneliness": "2", "purpose": "4",
}  # fmt: skip
CHECK = """
import json
from django.db import connection
from checkins.models import CheckIn
from checkins.rollups import rebuild_rollups
from cohorts.models import RollupCell
def cells():
    return sorted([c.cohort_id, c.scope, c.rotation_id, c.week, key, *figures[:2],
                   round(figures[2], 6)]
                  for c in RollupCell.objects.all() for key, figures in c.measures())
with connection.cursor() as cursor:
    cursor.execute("PRAGMA integrity_check")
    integrity = cursor.fetchone()[0]
before = cells()
rebuild_rollups()
print(json.dumps({"integrity": integrity, "checkins": CheckIn.objects.count(),
                  "consistent": before == cells()}, default=str))
"""


def hammer(port: int, index: int, stop: threading.Event, done: list) -> None:
    # The server may be killed while this client is still signing in (the others' writes
    # are enough to trigger the kill): then it simply stops, like the rest.
    try:
        client = Client(port)
        client.login(student_email(index), "wellrounded-demo")
        _, page = client.request("GET", "/checkin/")
        token = client.csrf_from(page)
        mood = 1
        while not stop.is_set():
            mood = mood % 5 + 1
            status, _ = client.request(
                "POST", "/checkin/", {**CHECKIN, "mood": str(mood), "csrfmiddlewaretoken": token}
            )
            done.append(status)
    except (OSError, http.client.HTTPException):
        return  # the server is gone


def test_killing_the_server_mid_write_leaves_a_sound_database_and_exact_rollups():
    with fresh_site(students=6, days=7) as env:
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [GUNICORN, "wellrounded.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        stop, done = threading.Event(), []
        try:
            wait_for(port, "gunicorn")
            clients = [
                threading.Thread(target=hammer, args=(port, i, stop, done), daemon=True)
                for i in range(6)
            ]
            for thread in clients:
                thread.start()
            # Kill only once writes are flowing (sign-in hashes passwords: slow on a busy
            # machine), so the kill lands mid-write rather than mid-login.
            deadline = time.monotonic() + 90
            while len(done) < 20 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            # No graceful shutdown: the workers die mid-transaction (and never outlive the test).
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
            stop.set()
        for thread in clients:
            thread.join(timeout=10)

        result = json.loads(manage(env, "shell", "-c", CHECK).strip().splitlines()[-1])

    assert len(done) > 5, "the load never reached the server"
    assert result["integrity"] == "ok"
    assert result["checkins"] >= 1
    assert result["consistent"], "rollups differ from a rebuild after the crash"


if __name__ == "__main__":
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", __file__]))  # noqa: S603
