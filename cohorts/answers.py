"""Staff API answers kept ready to send, so a read of published figures is one indexed read.

A table of published figures (cohorts.selectors) depends only on the published releases (which
never change once out), the school's K, the rotation catalogue and the school's date (which
weeks are complete, published or still pending). So its JSON answer is stored once, as a
`StoredAnswer` row whose key holds all of these, and sent as stored:

- the key holds the school's date and its last publishable week, so an answer is never read
  on a day it was not built for; and it was built only after that day's releases were
  published (the selectors publish what is due first), so a stored answer also says nothing
  is due;
- K is in the key, so raising it builds again;
- a change to the rotation catalogue deletes every stored answer (the receivers below);
- `publishing.publish_due` deletes a school's rows of past days when a week is published.

What is never stored: the permission check and the audit row of the read. Both happen on
every request, before the stored answer is sent.
"""

from collections.abc import Callable
from datetime import date

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from pydantic import BaseModel

from schools.models import Cohort, Rotation

from .models import StoredAnswer
from .publishing import k_for, last_publishable_week


def answer_key(cohort: Cohort, today: date, *parts) -> str:
    school = cohort.school
    fixed = (today.isoformat(), last_publishable_week(today).isoformat(), k_for(school))
    return ":".join(str(part) for part in (cohort.pk, *parts, *fixed))


def stored_answer(
    cohort: Cohort, parts: tuple, schema: type[BaseModel], build: Callable[[date], dict]
) -> HttpResponse:
    """The JSON answer stored under (cohort, parts, the school's date, K): built by
    `build(today)` and validated by `schema` the first time it is asked for, then read as
    stored. `today` is passed in so the answer is built for the very date of its key."""
    today = cohort.school.today()
    key = answer_key(cohort, today, *parts)
    try:
        body = StoredAnswer.objects.values_list("body", flat=True).get(key=key)  # key is unique
    except StoredAnswer.DoesNotExist:
        body = schema.model_validate(build(today)).model_dump_json()
        # Two first readers at once build the same answer: the second insert is skipped.
        StoredAnswer.objects.bulk_create(
            [StoredAnswer(school=cohort.school, key=key, made_on=today, body=body)],
            ignore_conflicts=True,
        )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    add_never_cache_headers(response)  # as every API answer (wellrounded.api)
    return response


@receiver(post_save, sender=Rotation, dispatch_uid="cohorts.answers.catalogue_saved")
@receiver(post_delete, sender=Rotation, dispatch_uid="cohorts.answers.catalogue_deleted")
def forget_all_answers(**kwargs) -> None:
    """Rotation names and order are part of every rotation table: build them again."""
    StoredAnswer.objects.all().delete()
