import io
import json
import zipfile
from datetime import time

import pytest
from django.urls import reverse

from habits.models import Habit, HabitLog
from habits.services import enable_default_habit, log_habit, update_habit

pytestmark = pytest.mark.django_db


def test_my_export_holds_my_habits_and_logs_and_nobody_elses(client, student, classmate):
    sleep = enable_default_habit(student=student, kind="sleep")
    update_habit(student=student, habit_id=sleep.pk, remind_at=time(22, 15))
    log_habit(student=student, habit_id=sleep.pk, hours="6.5")
    theirs = enable_default_habit(student=classmate, kind="exercise")
    log_habit(student=classmate, habit_id=theirs.pk)
    client.force_login(student)

    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("export_my_data")).content))

    habits = json.loads(archive.read("habits.json"))
    logs = json.loads(archive.read("habit_logs.json"))
    assert [(h["kind"], h["target_hours"], h["remind_at"]) for h in habits] == [
        ("sleep", 7.5, "22:15:00")
    ]
    assert [(log["habit"], log["hours"]) for log in logs] == [("Sleep", 6.5)]
    assert "habit_logs.csv" in archive.namelist()


def test_deleting_a_student_deletes_their_habits_and_logs(student):
    habit = enable_default_habit(student=student, kind="exercise")
    log_habit(student=student, habit_id=habit.pk)

    student.delete()

    assert not Habit.objects.exists() and not HabitLog.objects.exists()
