"""Editor Markdown becomes safe HTML; Dutch words are isolated inside other scripts."""

from __future__ import annotations

import pytest

from portal.markup import address_breaks, hyphenate, isolate, render_markdown


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


def test_long_words_of_a_title_break_only_where_their_language_allows() -> None:
    dutch = hyphenate("De Participatieverklaring", "nl")
    assert dutch.replace("\u00ad", "") == "De Participatieverklaring"
    assert "tie\u00adver" in dutch  # "Participatie-" / "verklaring" is one of the breaks
    assert "\u00adng" not in dutch  # at least four letters stay together at the end
    assert hyphenate("Housing and registration", "en") == "Housing and registration"
    arabic = "الاندماج والمشاركة في المجتمع الهولندي"
    assert hyphenate(arabic, "ar") == arabic  # Arabic is never hyphenated
    assert hyphenate("ፍልጠት ሕብረተሰብን ስራሕን", "ti") == "ፍልጠት ሕብረተሰብን ስራሕን"


def test_an_address_may_break_at_its_parts_and_stays_escaped() -> None:
    assert str(address_breaks("inburgering@tilburg.nl")) == "inburgering@<wbr>tilburg<wbr>.nl"
    assert "&lt;script&gt;" in str(address_breaks("<script>@x.nl"))
