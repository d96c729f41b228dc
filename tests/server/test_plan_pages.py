"""The plan as gunicorn serves it (several workers, a copy of content/): one numbering, the
glossary's words explained on a step, a municipality's own offer, the sources of a step."""

from __future__ import annotations

import re

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
