import re

from hypothesis import given
from hypothesis import strategies as st

from learn.rendering import render_markdown


def test_markdown_becomes_headings_lists_emphasis_and_tables():
    html = render_markdown(
        "# Top\n## Part\n\n- **one**\n- *two*\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>Top</h2>" in html and "<h2>Part</h2>" in html
    assert "<strong>one</strong>" in html and "<em>two</em>" in html
    assert "<table>" in html and "<td>1</td>" in html


def test_raw_html_and_script_are_shown_as_text_never_run():
    html = render_markdown('Hi <script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_links_keep_only_http_https_and_mailto_with_noopener():
    html = render_markdown(
        "[a](https://example.org) [b](mailto:help@example.org) [c](javascript:alert(1)) "
        "[d](/relative) [e](data:text/html;base64,PHNjcmlwdD4=)"
    )
    assert '<a href="https://example.org" rel="noopener">a</a>' in html
    assert 'href="mailto:help@example.org"' in html
    assert 'href="javascript' not in html
    assert 'href="/relative"' not in html and 'href="data:' not in html


ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "em", "strong", "a", "blockquote",
    "code", "pre", "br", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
TAG = re.compile(r"<([a-zA-Z0-9]+)((?:\s[^>]*)?)>")
ATTRIBUTE = re.compile(r'\s([a-zA-Z-]+)="')


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdefhijklmnoprstuvwxyz:[]()#*-|!\n"))))
def test_no_text_ever_renders_a_tag_or_attribute_outside_the_allow_list(text):
    html = render_markdown(text + "\n<script>x</script><iframe src=x onload=y></iframe>")
    for tag, attributes in TAG.findall(html):
        assert tag in ALLOWED_TAGS
        assert set(ATTRIBUTE.findall(attributes)) <= {"href", "rel"}
