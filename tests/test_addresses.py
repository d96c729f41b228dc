"""Public addresses are built in one place; inside a municipality's view they stay in it."""

from __future__ import annotations

from flask import Flask

from portal.addresses import online_url, plan_url, print_url
from tests.conftest import content_of


def test_addresses_outside_a_municipality_view(app: Flask) -> None:
    with app.test_request_context():
        assert plan_url("ar") == "/ar/plan/"
        assert plan_url("ar", "pip") == "/ar/plan/pip/"
        assert print_url("ar") == "/ar/plan.pdf"
        assert print_url("ti", "pip", bilingual=True) == "/ti/plan/pip-bilingual.pdf"


def test_addresses_inside_a_municipality_view_stay_in_it(app: Flask) -> None:
    tilburg = content_of(app).municipalities["tilburg"]
    with app.test_request_context():
        assert plan_url("en", None, tilburg) == "/en/gemeente/tilburg/plan/"
        assert plan_url("en", "pip", tilburg) == "/en/gemeente/tilburg/plan/pip/"
        assert print_url("nl", municipality=tilburg) == "/nl/gemeente/tilburg/plan.pdf"
        assert (
            print_url("ar", "pip", bilingual=True, municipality=tilburg)
            == "/ar/gemeente/tilburg/plan/pip-bilingual.pdf"
        )


def test_a_printed_address_is_the_public_address_of_the_page() -> None:
    from portal import create_app

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "PUBLIC_BASE_URL": "https://wegwijs.example/"}
    )
    tilburg = content_of(app).municipalities["tilburg"]
    with app.test_request_context():
        assert online_url("ti", "pip", tilburg) == (
            "https://wegwijs.example/ti/gemeente/tilburg/plan/pip/"
        )
        assert online_url("ar") == "https://wegwijs.example/ar/plan/"
