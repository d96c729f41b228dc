"""Public addresses are built in one place; inside a municipality's view they stay in it; a
print leads to the public address (PORTAL_PUBLIC_BASE_URL, or the address of its request)."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.addresses import NoPublicAddress, online_url, plan_url, print_url
from tests.conftest import content_of
from tests.pdf_tools import qr_codes


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


def test_without_the_setting_a_print_leads_to_the_address_of_its_request(app: Flask) -> None:
    assert not app.config["PUBLIC_BASE_URL"]
    with app.test_request_context(base_url="https://wegwijs.example:8443/"):
        assert online_url("ar") == "https://wegwijs.example:8443/ar/plan/"


def test_without_the_setting_a_print_outside_a_request_says_what_to_set(app: Flask) -> None:
    with app.app_context(), pytest.raises(NoPublicAddress, match="PORTAL_PUBLIC_BASE_URL"):
        online_url("ar")


def test_the_qr_code_of_a_public_pdf_leads_to_the_host_it_was_asked_on(app: Flask) -> None:
    client = app.test_client()
    for base in ("http://wegwijs.example:8080", "https://portaal.example"):
        response = client.get("/ti/plan/pip.pdf", base_url=base)
        assert response.status_code == 200
        # Each address gets its own PDF: the cache never hands one host's codes to another.
        assert qr_codes(response.data) == [f"{base}/ti/plan/pip/"]
