from django.core.management import call_command

from cohorts.models import Release

from .factories import add_all, checkin_observations, enroll, weeks_ago


def test_the_daily_command_publishes_what_is_due_once(db, cohort, capsys):
    import random

    rng = random.Random(1)
    for student in enroll(cohort, 12):
        add_all(checkin_observations(cohort, student, weeks_ago(cohort, 2), None, rng))

    call_command("publish_releases")
    first = capsys.readouterr().out
    call_command("publish_releases")
    second = capsys.readouterr().out

    assert Release.objects.filter(kind=Release.Kind.WEEK).count() == 2  # two weeks ago, last
    assert "2 release(s) published" in first
    assert "0 release(s) published" in second
