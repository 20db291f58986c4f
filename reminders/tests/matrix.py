"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring)."""

PAGES: dict[str, str] = {
    "reminder_settings": "student",
    "push_subscribe": "student",
    "push_unsubscribe": "student",
    "push_test": "student",
}


def api_rule(path: str) -> str | None:
    return None  # no API operations (yet): the pages are the only way in


def objects(world: dict) -> dict:
    from reminders import services

    student = world["users"]["student"]
    services.save_prefs(student=student, values={})
    endpoint = "https://fcm.googleapis.com/fcm/send/only-student-a-knows-this"
    services.subscribe(student=student, endpoint=endpoint, p256dh="B" + "A" * 86, auth="A" * 22)
    return {"kwargs": {}, "secrets": [endpoint]}
