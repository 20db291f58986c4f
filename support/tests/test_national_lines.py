from datetime import timedelta

import pytest
from django.utils import timezone

from support.crisis_lines import national_directory, parse_national_lines

MAX_AGE = timedelta(days=180)


def test_the_national_numbers_were_verified_in_the_last_180_days():
    verified = national_directory().last_verified
    age = timezone.localdate() - verified

    assert age <= MAX_AGE, (
        f"The national crisis lines were last verified on {verified}, {age.days} days ago. "
        "Re-verify every number, text code and hours against its source, then bump "
        "`last_verified` in support/data/national_lines.toml."
    )


def test_every_line_can_be_reached_and_names_its_source():
    lines = national_directory().lines

    assert {line.id for line in lines} >= {
        "emergency",
        "988",
        "crisis-text-line",
        "physician-support-line",
        "trevor-project",
        "veterans-crisis-line",
    }
    for line in lines:
        assert line.phone or line.text_number or line.chat_url, line.id
        assert line.source.startswith("http"), line.id
        assert line.hours, line.id


def test_the_lines_a_student_might_need_most_link_straight_to_the_dialler():
    lines = {line.id: line for line in national_directory().lines}

    assert lines["988"].tel_href == "tel:988"
    assert lines["988"].sms_href == "sms:988"
    assert lines["emergency"].tel_href == "tel:911"
    assert lines["crisis-text-line"].sms_href == "sms:741741?&body=HOME"
    assert lines["physician-support-line"].tel_href == "tel:+18884090141"
    assert lines["veterans-crisis-line"].phone_note == "then press 1"


def test_a_file_without_a_verification_date_is_refused():
    with pytest.raises(ValueError, match="last_verified"):
        parse_national_lines('[[lines]]\nid = "x"\n')


def test_a_line_without_a_source_is_refused():
    text = """
last_verified = 2026-11-24
[[lines]]
id = "x"
name = "X"
phone = "988"
hours = "24/7"
for_whom = "Anyone"
description = "A line"
urgent = true
source = ""
"""
    with pytest.raises(ValueError, match="verified against"):
        parse_national_lines(text)
