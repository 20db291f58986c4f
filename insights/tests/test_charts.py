import re
from datetime import date, timedelta
from xml.etree import ElementTree

from insights.charts import line_chart

START = date(2025, 3, 1)


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


POINTS = [(START + timedelta(days=i), float(1 + i % 5)) for i in range(20)]


def test_a_chart_is_an_svg_image_with_its_summary_as_the_label():
    svg = line_chart(POINTS, average=POINTS, y_min=1, y_max=5, label="Mood, 20 days")

    root = parse(svg)
    assert root.tag.endswith("svg")
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Mood, 20 days"
    assert len(root.findall("{http://www.w3.org/2000/svg}circle")) == 20
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 1


def test_the_chart_needs_nothing_a_strict_csp_would_block():
    svg = line_chart(POINTS, y_min=1, y_max=5, bands=[(1, 3, "low"), (3, 5, "high")], label="x")

    assert "style=" not in svg
    assert "<script" not in svg
    assert not re.search(r"\son\w+=", svg)


def test_all_text_is_escaped():
    svg = line_chart(
        POINTS,
        y_min=0,
        y_max=27,
        bands=[(0, 27, '<script>alert("band")</script>')],
        label='"><script>alert(1)</script>',
    )

    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    parse(svg)  # still well-formed


def test_an_empty_chart_is_still_a_valid_image():
    root = parse(line_chart([], y_min=1, y_max=5, label="No check-ins yet"))
    assert root.get("aria-label") == "No check-ins yet"


def test_values_outside_the_range_are_drawn_at_its_edge():
    svg = line_chart([(START, 20.0)], y_min=0, y_max=12, label="Sleep", height=200)
    circle = parse(svg).find("{http://www.w3.org/2000/svg}circle")
    assert float(circle.get("cy")) == 10.0  # the top of the plot
