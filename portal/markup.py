"""Markdown to sanitised HTML, and bidi isolation for Dutch words inside other scripts."""

from __future__ import annotations

import functools
import re

import markdown
import nh3
import pyphen
from markupsafe import Markup, escape

# What editors may use: text structure, no images, no raw HTML that could run code.
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "b", "i", "br", "a", "h3", "h4", "bdi"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "bdi": set()}


SOFT_HYPHEN = "\u00ad"
# Words this long may not fit one line of a title's large type on a 320 px phone (measured:
# "registration", 12 letters, fits; "Participation", 13, does not).
LONG_WORD = re.compile(r"\w{13,}")
# Letters kept together at the start and end of a word that is hyphenated.
HYPHEN_KEEP = 4

LEFT_TO_RIGHT_ISOLATE = "\u2066"
RIGHT_TO_LEFT_ISOLATE = "\u2067"
FIRST_STRONG_ISOLATE = "\u2068"  # the direction of the text's first letter ("auto")
RIGHT_TO_LEFT_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
POP_DIRECTIONAL_ISOLATE = "\u2069"

LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def separate_lists(text: str) -> str:
    """Put a blank line before a list, as editors expect a list after a sentence to work."""
    lines: list[str] = []
    for line in text.split("\n"):
        if LIST_ITEM.match(line) and lines and lines[-1].strip() and not LIST_ITEM.match(lines[-1]):
            lines.append("")
        lines.append(line)
    return "\n".join(lines)


def render_markdown(text: str) -> Markup:
    """Turn editor Markdown into HTML that is safe to put on a page or in a PDF."""
    html = markdown.markdown(separate_lists(text), extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - nh3 has just sanitised it


@functools.cache
def hyphenation(lang: str) -> pyphen.Pyphen | None:
    """Return the hyphenation rules of a language, or None: then its words are not broken
    (Arabic is never hyphenated; Ethiopic breaks between words and after hyphens)."""
    found = pyphen.language_fallback(lang)
    return pyphen.Pyphen(lang=found, left=HYPHEN_KEEP, right=HYPHEN_KEEP) if found else None


def hyphenate(text: str, lang: str) -> str:
    """Mark where a long word of a title may break on a phone (soft hyphens), by the
    hyphenation rules of `lang`.

    "Participatieverklaring" on a phone breaks as "Participatie-/verklaring" (or at another
    place Dutch allows), never as "Participatieverklari/ng". Only words too long for a line
    of a title on a small phone get soft hyphens: shorter words are never broken.
    """
    rules = hyphenation(lang)
    if rules is None:
        return text
    return LONG_WORD.sub(lambda word: rules.inserted(word.group(0), hyphen=SOFT_HYPHEN), text)


def address_breaks(address: str) -> Markup:
    """Let an e-mail or web address break on a narrow screen where addresses are broken:
    after the @ and a slash, before a dot (<wbr>, which copying leaves out)."""
    escaped = str(escape(address))
    marked = re.sub(r"(?<=[@/])|(?=\.)", "<wbr>", escaped)
    return Markup(marked.removeprefix("<wbr>"))  # noqa: S704 - escaped above


def isolate(text: str, lang: str = "nl", direction: str = "ltr", css_class: str = "") -> Markup:
    """Wrap a word from another language so it keeps its own direction inside any text.

    A `dir` attribute on an inline element isolates it in browsers (unicode-bidi: isolate);
    the invisible Unicode isolates around the text (LRI or RLI ... PDI) do the same in PDFs,
    whose layout engine reads the characters, not the attribute. So a Dutch name or postcode
    inside Arabic never scrambles the words around it.
    """
    opening = {"ltr": LEFT_TO_RIGHT_ISOLATE, "rtl": RIGHT_TO_LEFT_ISOLATE}.get(
        direction, FIRST_STRONG_ISOLATE
    )
    attributes = Markup(' class="{}"').format(css_class) if css_class else ""
    return Markup('<span lang="{}" dir="{}"{}>{}{}{}</span>').format(
        lang, direction, attributes, opening, escape(text), POP_DIRECTIONAL_ISOLATE
    )


PLACEHOLDER_IN_HTML = re.compile(r"\(\(([a-z0-9_]+)\)\)")
# Placeholders next to each other ("((voornaam)) ((achternaam))") form one name or address.
PLACEHOLDER_RUN = re.compile(r"\(\([a-z0-9_]+\)\)(?:[ \u00a0]+\(\([a-z0-9_]+\)\))*")


def fill_placeholders(
    html: Markup,
    values: dict[str, str],
    lang: str,
    direction: str,
    as_typed: frozenset[str] = frozenset(),
    untranslated: frozenset[str] = frozenset(),
) -> Markup:
    """Put each ((name))'s value into a letter's HTML, escaped, in one pass.

    The values are escaped text, never Markdown or HTML, and one pass means a value that
    itself looks like ((achternaam)) stays as typed. In right-to-left text each run of
    placeholders is isolated as a whole, so "Ali van der Berg" or "5038 AB  Tilburg" keeps
    its own left-to-right order instead of being read word by word from the right.

    On a page not in Dutch, a value printed as typed (`as_typed`: a name, an address, the
    staff's own words) is marked as Dutch (lang="nl") and isolated; one of `untranslated`
    (Dutch words where the reader expects their language) also gets class="untranslated",
    which the staff preview highlights.
    """

    def one(match: re.Match[str]) -> str:
        return values.get(match.group(1), "")

    def run(match: re.Match[str]) -> str:
        names = set(PLACEHOLDER_IN_HTML.findall(match.group(0)))
        text = PLACEHOLDER_IN_HTML.sub(one, match.group(0))
        if lang != "nl" and names & as_typed:
            flag = "untranslated" if names & untranslated else ""
            return str(isolate(text, "nl", "ltr", flag))
        if direction != "rtl":
            return str(escape(text))
        # A Dutch name or postcode reads left to right; a date written in Arabic ("9:30 ص")
        # keeps the direction of its own words.
        return str(isolate(text, lang, "auto" if RIGHT_TO_LEFT_LETTER.search(text) else "ltr"))

    return Markup(PLACEHOLDER_RUN.sub(run, str(html)))  # noqa: S704 - values escaped above
