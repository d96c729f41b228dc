"""The plan as gunicorn serves it (several workers, a copy of content/): one numbering, the
glossary's words explained on a step, a municipality's own offer, the sources of a step."""

from __future__ import annotations

import re
import time

from tests.conftest import QUESTION_SLUGS
from tests.server.harness import Browser, Server

CIRCLE = r'<span class="step-number">(?:<span class="visually-hidden">[^<]*</span>)?(\d+)</span>'


def test_numbering_words_offers_and_sources_through_the_real_server(server: Server) -> None:
    browser = Browser(server.port)
    for _worker in range(3):  # whichever worker answers, the same plan
        plan = browser.get("/nl/plan/")
        assert plan.status == 200, plan
        assert re.findall(CIRCLE, plan.text) == [str(n) for n in range(1, 11)]
    step = browser.get("/ti/plan/brede-intake/")
    assert step.status == 200, step
    assert "Stap" not in step.text  # the reader's language, not Dutch
    assert step.text.count('<details class="word-explained">') >= 3
    assert "ሰፊሕ ቃለ-መሕትት" in step.text
    offers = browser.get("/ar/gemeente/tilburg/plan/meedoen/")
    assert offers.status == 200, offers
    assert 'class="offers"' in offers.text
    assert 'dir="rtl"' in offers.text
    finishing = browser.get("/en/plan/examens/")
    assert 'href="https://werkeninkomentilburg.nl/' in finishing.text
    assert "you do not take an exam" in finishing.text


def test_questions_pages_through_the_real_server_follow_a_changed_file(server: Server) -> None:
    browser = Browser(server.port)
    for lang in ("nl", "en", "ar", "ti"):
        listing = browser.get(f"/{lang}/vragen/")
        assert listing.status == 200, listing
        assert listing.text.count(f'href="/{lang}/vragen/') == len(QUESTION_SLUGS)
    pip = browser.get("/ar/plan/pip/")
    assert 'href="/ar/vragen/bezwaar-pip/"' in pip.text
    local = browser.get("/ti/gemeente/tilburg/vragen/hulp-in-uw-taal/")
    assert local.status == 200, local
    assert '<bdi class="language-name" lang="ar">العربية</bdi>' in local.text
    # An editor's correction reaches every worker (each reloads content/ within 2 s).
    path = server.content / "questions" / "01-kosten" / "nl.md"
    path.write_text(path.read_text().replace("U krijgt geen lening.", "U krijgt geen lening!"))
    deadline = time.monotonic() + 10
    seen: list[bool] = []
    while time.monotonic() < deadline:
        seen = ["geen lening!" in browser.get("/nl/vragen/kosten/").text for _ in range(6)]
        if all(seen):
            break
        time.sleep(0.5)
    assert all(seen), seen
    # Its translations now wait for the translator, and still show.
    english = browser.get("/en/vragen/kosten/")
    assert english.status == 200, english
