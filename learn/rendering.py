"""Lesson Markdown to safe HTML: CommonMark without raw HTML, then an allow-list sanitizer.

Two layers on purpose: markdown-it never passes raw HTML through, and nh3 removes anything
a future parser option might let slip (event handlers, javascript: links, relative URLs).
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
_cleaner = nh3.Cleaner(
    tags={
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "ul",
        "ol",
        "li",
        "em",
        "strong",
        "a",
        "blockquote",
        "code",
        "pre",
        "br",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    },  # fmt: skip
    clean_content_tags={"script", "style"},
    attributes={"a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="noopener",
)


_finder = MarkdownIt("commonmark", {"html": True}).enable("table")


def has_raw_html(text: str) -> bool:
    """Whether Markdown `text` holds HTML tags (or comments), as CommonMark defines raw HTML.

    Parsing (not a regex) so `<https://...>` autolinks, "a < b" and tags shown in `code`
    stay allowed. Used to refuse a school lesson with HTML: display would drop it silently.
    """

    def raw(tokens) -> bool:
        return any(
            t.type in ("html_block", "html_inline") or (t.children and raw(t.children))
            for t in tokens
        )

    return raw(_finder.parse(text or ""))


def render_markdown(text: str) -> SafeString:
    """HTML that is safe to put in a page whoever wrote `text` (shipped file or school staff)."""
    html = _markdown.render(text or "")
    # h1 is the page's own title: a lesson's "# Heading" becomes h2 so the outline stays valid.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    # Safe because the allow-list above has just sanitized it.
    return mark_safe(_cleaner.clean(html))  # noqa: S308  # nosec B308 B703
