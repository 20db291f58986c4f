import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def run_score(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", "score", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_score_prints_one_json_object():
    result = run_score("phq9", "1", "1", "1", "1", "1", "1", "1", "1", "1")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "instrument": "phq9",
        "score": 9,
        "band": "Mild",
        "flags": ["self_harm"],
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["phq9", "1", "1"], "9 items"),
        (["who5", "1", "1", "1", "1", "7"], "item 5"),
        (["nope", "1"], "Valid instrument ids"),
        (["who5", "a", "1", "1", "1", "1"], "whole numbers"),
    ],
)
def test_invalid_input_exits_2_with_a_message_on_stderr(args, message):
    result = run_score(*args)

    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_unscorable_answers_still_report_the_self_harm_flag_on_stderr():
    result = run_score("phq9", "-", "-", "-", "0", "0", "0", "0", "0", "2")

    assert result.returncode == 2
    assert result.stdout == ""
    message, details = result.stderr.splitlines()
    assert message.startswith("score: Cannot score phq9")
    assert json.loads(details) == {
        "instrument": "phq9",
        "flags": ["self_harm"],
        "errors": {"answers": "PHQ-9 can be scored with at most 2 of 9 items missing (3 missing)"},
    }


def test_invalid_item_values_report_flags_from_the_valid_ones():
    result = run_score("phq9", "7", "0", "0", "0", "0", "0", "0", "0", "1")

    details = json.loads(result.stderr.splitlines()[-1])
    assert details["flags"] == ["self_harm"]
    assert "item 1" in details["errors"]


def test_instruments_lists_the_ids(capsys):
    call_command("instruments")

    ids = capsys.readouterr().out.split()
    assert {"who5", "phq9", "phq2", "gad7", "gad2", "pss10", "pss4", "ucla3"} <= set(ids)
    assert {"cbi_personal", "mlq_presence", "brs"} <= set(ids)
