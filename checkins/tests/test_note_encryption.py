import base64
from io import StringIO

import pytest
from django.core.management import call_command

from checkins.selectors import checkin_note
from checkins.services import record_checkin

pytestmark = pytest.mark.django_db
SECRET_NOTE = "I cried in the supply closet after rounds"


def test_a_database_dump_contains_no_plaintext_of_notes(student):
    record_checkin(
        student=student,
        values={
            "mood": 2, "stress": 5, "energy": 1, "sleep_hours": 4, "sleep_quality": 1,
            "loneliness": 5, "purpose": 2, "note": SECRET_NOTE,
        },
    )  # fmt: skip
    out = StringIO()
    call_command("dumpdata", stdout=out)

    dump = out.getvalue()
    assert "supply closet" not in dump
    assert base64.b64encode(SECRET_NOTE.encode()).decode()[:20] not in dump


def test_note_survives_a_round_trip(student):
    checkin, _ = record_checkin(
        student=student,
        values={
            "mood": 3, "stress": 3, "energy": 3, "sleep_hours": 7, "sleep_quality": 3,
            "loneliness": 3, "purpose": 3, "note": SECRET_NOTE,
        },
    )  # fmt: skip
    assert checkin_note(checkin) == SECRET_NOTE
