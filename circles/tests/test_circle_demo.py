from datetime import date

import pytest

from circles.demo import generate_demo_circles
from circles.matching import MAX_SIZE, MIN_SIZE
from circles.models import Circle, CircleMessage
from circles.services import circles_of, messages_for
from schools.demo import DEMO_DOMAIN, create_demo_school

pytestmark = pytest.mark.django_db


def test_the_demo_has_circles_with_messages_and_the_demo_login_in_one():
    demo = create_demo_school(students=40, days=10, seed=7, today=date(2026, 11, 24))

    generate_demo_circles(demo)

    circles = Circle.objects.filter(school=demo.school, kind=Circle.Kind.CIRCLE)
    assert circles.count() >= 3
    assert all(MIN_SIZE <= c.memberships.count() <= MAX_SIZE for c in circles)
    assert CircleMessage.objects.exists()
    from accounts.models import User

    login = User.objects.get(email=f"student@{DEMO_DOMAIN}")
    [summary, *_] = circles_of(login)
    assert summary.circle.kind == Circle.Kind.CIRCLE
    assert all(m.body for m in messages_for(login, summary.circle))
    # One open report waits for the wellness lead, so the review page has something to show.
    from circles.models import MessageReport

    [report] = MessageReport.objects.filter(school=demo.school)
    assert report.reporter_id != report.message.author_id
