"""axe-core (from the npm registry) on every main page, and the check-in page's weight."""

import json
import os
from pathlib import Path

import pytest

from conftest import with_totp
from e2e.steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"

PUBLIC_PAGES = [
    "/", "/help/", "/privacy/", "/accounts/login/", "/accounts/signup/", "/offline/",
]  # fmt: skip
STUDENT_PAGES = [
    "/",
    "/checkin/",
    "/checkin/?day=yesterday",
    "/checkin/quick/",
    "/checkin/history/",
    "/screenings/",
    "/screenings/phq9/",
    "/habits/",
    "/insights/",
    "/insights/journal/",
    "/accounts/my-data/",
    "/help/",
    "/help/circles/",
    "/help/circles/profile/",
    "/planner/",
    "/planner/schedule/",
    "/planner/preferences/",
    "/planner/feed/",
    "/reminders/",
    "/rotations/",
]
STAFF_PAGES = [
    "/", "/help/manage/", "/help/manage/new/", "/help/circles/school/", "/school/campaigns/",
    "/school/reports/",
]  # fmt: skip


@pytest.fixture(params=["light", "dark"])
def axe_page(browser, live_server, request):
    """A page in the light and then the dark colour scheme (the site follows the device's)."""
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE} is missing: run `make axe`")
        pytest.skip("axe-core not installed: run `make axe`")
    # axe is injected as a script, which the site's own CSP rightly forbids.
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, color_scheme=request.param
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + json.dumps([node["target"] for node in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_public_pages_have_no_serious_accessibility_violations(axe_page):
    for path in PUBLIC_PAGES:
        axe_page.goto(path)
        assert serious_violations(axe_page) == [], path


def test_student_pages_have_no_serious_accessibility_violations(axe_page, student):
    sign_in(axe_page, student)
    for path in STUDENT_PAGES:
        axe_page.goto(path)
        assert serious_violations(axe_page) == [], path


def test_staff_pages_have_no_serious_accessibility_violations(axe_page, staff):
    sign_in(axe_page, staff, with_totp(staff))
    for path in STAFF_PAGES:
        axe_page.goto(path)
        assert serious_violations(axe_page) == [], path


def test_checkin_page_is_light_on_first_load(browser, live_server, student, capsys):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, student)
    sizes: list[int] = []
    # A first load: nothing cached, every response's body counted as transferred.
    page.on("response", lambda r: sizes.append(len(r.body())) if r.ok else None)
    page.goto("/checkin/", wait_until="networkidle")
    context.close()

    total = sum(sizes)
    with capsys.disabled():
        print(f"\ncheck-in page first load: {total / 1024:.1f} KB in {len(sizes)} responses")
    assert total < 100 * 1024
