"""Editor Markdown becomes safe HTML; Dutch words are isolated inside other scripts."""

from __future__ import annotations

import pytest

from portal.markup import isolate, render_markdown


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<iframe src="https://example.org"></iframe>', "<iframe"),
        ("[x](javascript:alert(1))", "javascript:"),
        ('<p style="color:red">x</p>', "style="),
    ],
)
def test_markdown_from_editors_cannot_run_code(markdown: str, forbidden: str) -> None:
    assert forbidden not in render_markdown(markdown)


def test_markdown_keeps_simple_structure() -> None:
    html = render_markdown("Neem mee:\n- uw pas\n- uw brief\n\n**Let op.**")
    assert "<ul>" in html
    assert "<li>uw pas</li>" in html
    assert "<strong>Let op.</strong>" in html


def test_a_list_right_after_a_sentence_is_still_a_list() -> None:
    assert "<li>taal</li>" in render_markdown("U praat over:\n- taal\n- werk")


def test_links_open_safely() -> None:
    html = render_markdown("[site](https://www.inburgeren.nl)")
    assert 'rel="noopener noreferrer"' in html


def test_isolate_escapes_and_marks_direction() -> None:
    html = isolate('<b>van der Berg</b> "O\'Neil" & 5038 AA')
    assert html.startswith('<span lang="nl" dir="ltr">')
    assert "&lt;b&gt;van der Berg&lt;/b&gt;" in html
    assert "&amp;" in html
