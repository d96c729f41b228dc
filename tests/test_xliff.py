"""XLIFF 1.2 for CAT tools: the export holds exactly what a language still needs; a translated
file comes back in, checked as a whole; a broken file writes nothing."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

import defusedxml
import pytest
from defusedxml import ElementTree as SafeElementTree
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import portal.xliff
from portal.loading import load_content
from portal.segments import split_segments
from portal.textfiles import read_fields
from tests.conftest import LANGUAGES, STATIC, ensure_account, log_in_as
from tests.files import bump_mtime, changed_files, git, make_repository, snapshot

NS = "urn:oasis:names:tc:xliff:document:1.2"
Q = f"{{{NS}}}"
EDITOR_EMAIL = "redacteur@wegwijs.example"
REMOVED = "plan/05-pip/ti.md"
CHANGED_LETTER = "letters/herinnering-afspraak"
TIGRINYA_PART = "ክፍሊ {number}"  # "part n": what a CAT tool returns for each segment
TIGRINYA_BODY = (
    "## እንታይ ይኸውን?\nPIP ውልቃዊ መደብኩም እዩ።\n\n"
    "## እንታይ ትገብሩ?\n- ናብቲ ዘተ ኪዱ።\n\n"
    "## መን ይሕግዘኩም?\nklantregisseur ናይ ምምሕዳር ከተማ።\n\n"
    "## ክንደይ ግዜ ይወስድ?\nድሕሪ brede intake ትረኽብዎ።\n"
)
TIGRINYA = {"title": "ፒ.ኣይ.ፒ", "summary": "ምምሕዳር ከተማ ምሳኹም መደብ ይገብር።", "body": TIGRINYA_BODY}
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="wegwijs" source-language="nl" target-language="ti" datatype="plaintext"><body>
<trans-unit id="step/pip/title"><source>PIP</source><target>&lol9;</target></trans-unit>
</body></file></xliff>"""


# --- Helpers --------------------------------------------------------------------------------


def body_ids(content_dir: Path, folder: str, prefix: str) -> set[str]:
    """Return the ids of the segments of a Dutch text's body."""
    body = read_fields(content_dir / folder / "nl.md")["body"]
    return {f"{prefix}/body.{n}" for n in range(1, len(split_segments(body)) + 1)}


def expected_ids(content_dir: Path) -> set[str]:
    """Return the units that Tigrinya still needs once `needs_work` changed the content."""
    return {
        "step/pip/title",
        "step/pip/summary",
        *body_ids(content_dir, "plan/05-pip", "step/pip"),
        "letter/herinnering-afspraak/subject",
        *body_ids(content_dir, CHANGED_LETTER, "letter/herinnering-afspraak"),
    }


@pytest.fixture
def needs_work(content_copy: Path) -> Path:
    """Remove the Tigrinya PIP step and change the Dutch reminder letter; return the copy."""
    (content_copy / REMOVED).unlink()
    dutch = content_copy / CHANGED_LETTER / "nl.md"
    dutch.write_text(
        dutch.read_text(encoding="utf-8") + "\nNeem deze brief mee.\n", encoding="utf-8"
    )
    bump_mtime(dutch)
    return content_copy


@pytest.fixture
def editor(app_on: Callable[..., Flask], needs_work: Path) -> FlaskClient:
    """Return a client of an app on the changed copy, logged in as an editor."""
    client = app_on(WTF_CSRF_ENABLED=False).test_client()
    log_in_as(client, ensure_account(client.application, EDITOR_EMAIL, "editor", ()))
    return client


def export(client: FlaskClient, lang: str = "ti") -> bytes:
    response = client.get(f"/editor/xliff/{lang}.xlf")
    assert response.status_code == 200
    assert response.mimetype == "application/x-xliff+xml"
    assert f'filename="wegwijs-{lang}.xlf"' in response.headers["Content-Disposition"]
    return response.data


def units(data: bytes) -> dict[str, Element]:
    """Return the trans-units of an XLIFF file by id."""
    root = SafeElementTree.fromstring(data)
    found = {unit.get("id", ""): unit for unit in root.iter(f"{Q}trans-unit")}
    assert len(found) == len(list(root.iter(f"{Q}trans-unit"))), "two units share an id"
    return found


def filled(data: bytes) -> bytes:
    """Return the export with every empty target translated, as a CAT tool returns it."""
    register_namespace("", NS)
    root = SafeElementTree.fromstring(data)
    for unit in root.iter(f"{Q}trans-unit"):
        target = unit.find(f"{Q}target")
        assert target is not None
        if not (target.text or "").strip():
            field = unit.get("id", "").rsplit("/", 1)[1]
            number = field.removeprefix("body.")
            target.text = (
                TIGRINYA_PART.format(number=number) if number.isdigit() else TIGRINYA[field]
            )
        target.set("state", "translated")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")


def with_unit(data: bytes, unit_id: str, change: Callable[[Element], None]) -> bytes:
    """Return an XLIFF file with one trans-unit changed (or added when it is not there)."""
    register_namespace("", NS)
    root = SafeElementTree.fromstring(data)
    unit = next((u for u in root.iter(f"{Q}trans-unit") if u.get("id") == unit_id), None)
    if unit is None:
        body = root.find(f"{Q}file/{Q}body")
        assert body is not None
        unit = SubElement(body, f"{Q}trans-unit", {"id": unit_id})
        SubElement(unit, f"{Q}source").text = "x"
        SubElement(unit, f"{Q}target").text = "x"
    change(unit)
    return tostring(root, encoding="utf-8")


def set_target(text: str) -> Callable[[Element], None]:
    def change(unit: Element) -> None:
        target = unit.find(f"{Q}target")
        assert target is not None
        target.text = text

    return change


def upload(client: FlaskClient, data: bytes, lang: str = "ti") -> TestResponse:
    return client.post(
        f"/editor/xliff/{lang}",
        data={"xliff": (io.BytesIO(data), f"wegwijs-{lang}.xlf")},
        content_type="multipart/form-data",
    )


# --- Export ---------------------------------------------------------------------------------


def test_the_export_is_xliff_1_2_with_exactly_the_missing_and_outdated_texts(
    editor: FlaskClient, needs_work: Path
) -> None:
    data = export(editor)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = SafeElementTree.fromstring(data)
    assert root.tag == f"{Q}xliff"
    assert root.get("version") == "1.2"
    files = root.findall(f"{Q}file")
    assert len(files) == 1
    file = files[0]
    assert file.get("source-language") == "nl"
    assert file.get("target-language") == "ti"
    assert file.get("original")
    assert file.get("datatype") == "plaintext"
    assert [child.tag for child in file] == [f"{Q}body"]
    found = units(data)
    assert set(found) == expected_ids(needs_work)
    content = load_content(needs_work, STATIC, LANGUAGES)
    pip = content.step("pip")
    letter = content.letters["herinnering-afspraak"]
    assert pip is not None
    for unit_id, unit in found.items():
        # XLIFF 1.2: source, then target; the whitespace of the text is kept.
        assert [child.tag for child in unit][:2] == [f"{Q}source", f"{Q}target"], unit_id
        assert unit.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve", unit_id
    assert found["step/pip/title"].findtext(f"{Q}source") == pip.source.title
    assert found["step/pip/summary"].findtext(f"{Q}source") == pip.source.summary
    # The body one segment per unit, without its Markdown marks.
    assert found["step/pip/body.1"].findtext(f"{Q}source") == "Wat gebeurt er?"
    for unit_id in ("step/pip/title", "step/pip/summary", "step/pip/body.1"):
        target = found[unit_id].find(f"{Q}target")
        assert target is not None
        assert not target.text, "a missing text has an empty target"
        assert target.get("state") == "needs-translation"
    assert found["letter/herinnering-afspraak/subject"].findtext(f"{Q}source") == (
        letter.source.subject
    )
    letter_ids = sorted(
        (i for i in found if i.startswith("letter/herinnering-afspraak/body.")),
        key=lambda i: int(i.rsplit(".", 1)[1]),
    )
    added = found[letter_ids[-1]]
    assert added.findtext(f"{Q}source") == "Neem deze brief mee."
    assert not added.findtext(f"{Q}target"), "the new Dutch paragraph has no translation yet"
    # An outdated text brings its old translation along, segment by segment, to be revised.
    old = (needs_work / CHANGED_LETTER / "ti.md").read_text(encoding="utf-8")
    first = found[letter_ids[0]].find(f"{Q}target")
    assert first is not None
    assert first.text
    assert first.text in old
    assert first.get("state") == "needs-review-translation"


def test_the_export_offers_what_was_translated_before(
    editor: FlaskClient, needs_work: Path
) -> None:
    """A segment translated elsewhere (every step asks "Wat gebeurt er?") comes as a match."""
    unit = units(export(editor))["step/pip/body.1"]
    offered = unit.findall(f"{Q}alt-trans")
    assert offered, "no match offered for a heading that every step has"
    best = offered[0]
    assert best.get("match-quality") == "100"
    assert (best.get("origin") or "").startswith("wegwijs: step ")
    assert best.findtext(f"{Q}source") == "Wat gebeurt er?"
    heading = split_segments(read_fields(needs_work / "plan/04-brede-intake/ti.md")["body"])[0]
    assert best.findtext(f"{Q}target") == heading.text


def test_nothing_is_exported_for_up_to_date_texts(app_on: Callable[..., Flask]) -> None:
    client = app_on(WTF_CSRF_ENABLED=False).test_client()
    log_in_as(client, ensure_account(client.application, EDITOR_EMAIL, "editor", ()))
    assert units(export(client)) == {}
    assert units(export(client, "ar")) == {}


def test_other_languages_do_not_get_the_missing_tigrinya_text(editor: FlaskClient) -> None:
    found = units(export(editor, "ar"))
    letter = body_ids(
        Path(editor.application.config["CONTENT_DIR"]),
        CHANGED_LETTER,
        "letter/herinnering-afspraak",
    )
    assert set(found) == {"letter/herinnering-afspraak/subject", *letter}
    assert editor.get("/editor/xliff/nl.xlf").status_code == 404
    assert editor.get("/editor/xliff/xx.xlf").status_code == 404


# --- Import ---------------------------------------------------------------------------------


def test_a_translated_file_comes_back_as_current_drafts(
    editor: FlaskClient, needs_work: Path
) -> None:
    before = snapshot(needs_work)
    response = upload(editor, filled(export(editor)))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/editor/xliff/ti"
    after = snapshot(needs_work)
    changed = changed_files(before, after)
    assert changed == {REMOVED, f"{CHANGED_LETTER}/ti.md"}
    assert not list(needs_work.rglob("*.tmp"))
    content = load_content(needs_work, STATIC, LANGUAGES)
    pip = content.step("pip")
    letter = content.letters["herinnering-afspraak"]
    assert pip is not None
    assert pip.status("ti") == "draft"
    assert letter.status("ti") == "draft"
    assert pip.texts["ti"].title == TIGRINYA["title"]
    assert pip.texts["ti"].summary == TIGRINYA["summary"]
    # Each segment where the Dutch has it: the headings are the heading segments.
    dutch = split_segments(read_fields(needs_work / "plan/05-pip/nl.md")["body"])
    assert [s.heading for s in pip.texts["ti"].sections] == [
        TIGRINYA_PART.format(number=n) for n, s in enumerate(dutch, 1) if s.kind == "heading"
    ]
    # The rest of the letter's Tigrinya text is as it was; now made from the current Dutch.
    assert letter.texts["ti"].placeholders == letter.source.placeholders
    # Nothing is left to do for Tigrinya, and the public page shows the new text.
    assert units(export(editor)) == {}
    page = editor.get("/ti/plan/pip/").get_data(as_text=True)
    assert f"<h1>{TIGRINYA['title']}</h1>" in page


def test_an_import_is_one_commit_and_an_unchanged_text_in_it_is_no_problem(
    editor: FlaskClient, needs_work: Path
) -> None:
    make_repository(needs_work)
    data = filled(export(editor))
    assert upload(editor, data).status_code == 302
    commits = git(needs_work, "log", "--format=%ae %s").splitlines()
    assert commits[0].startswith(f"{EDITOR_EMAIL} ti: ")
    assert git(needs_work, "show", "--name-only", "--format=", "HEAD").split() == sorted(
        [REMOVED, f"{CHANGED_LETTER}/ti.md"]
    )
    # The same file again changes nothing: a normal answer, and no commit.
    again = upload(editor, data)
    assert again.status_code == 302, again.get_data(as_text=True)
    assert git(needs_work, "log", "--format=%ae %s").splitlines() == commits
    assert git(needs_work, "status", "--porcelain") == ""


def without_placeholder(data: bytes) -> bytes:
    """Return the file with ((telefoon)) left out of the letter segment that has it."""
    register_namespace("", NS)
    root = SafeElementTree.fromstring(data)
    for unit in root.iter(f"{Q}trans-unit"):
        target = unit.find(f"{Q}target")
        if target is not None and "((telefoon))" in (target.text or ""):
            target.text = (target.text or "").replace("((telefoon))", "013 123 4567")
            return tostring(root, encoding="utf-8")
    raise AssertionError("no segment with ((telefoon))")


def without_unit(data: bytes, unit_id: str) -> bytes:
    """Return the file without one trans-unit."""
    register_namespace("", NS)
    root = SafeElementTree.fromstring(data)
    body = root.find(f"{Q}file/{Q}body")
    assert body is not None
    unit = next(u for u in body if u.get("id") == unit_id)
    body.remove(unit)
    return tostring(root, encoding="utf-8")


def wrong_language(data: bytes) -> bytes:
    return data.replace(b'target-language="ti"', b'target-language="am"')


BROKEN: dict[str, Callable[[bytes], bytes]] = {
    "unknown id": lambda data: with_unit(data, "step/nope/title", set_target("ስም")),
    "unknown field": lambda data: with_unit(data, "step/pip/pictogram", set_target("ስም")),
    "placeholder removed from a letter": without_placeholder,
    "empty target": lambda data: with_unit(data, "step/pip/summary", set_target("")),
    "a segment missing": lambda data: without_unit(data, "step/pip/body.3"),
    "a heading mark in a segment": lambda data: with_unit(
        data, "step/pip/body.1", set_target("## እንታይ ይኸውን?")
    ),
    "body whole and in parts": lambda data: with_unit(
        data, "step/pip/body", set_target(TIGRINYA_BODY)
    ),
    "step body without its four parts": lambda data: without_units_of_pip_body_but(
        data, TIGRINYA_BODY.split("## መን")[0]
    ),
    "wrong target language": wrong_language,
    "not XML": lambda data: b"title;summary\nPIP;De gemeente\n",
    "not XLIFF": lambda data: b"<html><body>PIP</body></html>",
}


def without_units_of_pip_body_but(data: bytes, body: str) -> bytes:
    """Return the file with the PIP step's body as one unit (as files exported before bodies
    were split give it), holding `body`."""
    for unit_id in body_ids(Path(__file__).parents[1] / "content", "plan/05-pip", "step/pip"):
        data = without_unit(data, unit_id)
    return with_unit(data, "step/pip/body", set_target(body))


def test_a_file_with_whole_bodies_still_comes_in(editor: FlaskClient, needs_work: Path) -> None:
    """A file exported before bodies were split into segments gives each body whole."""
    data = without_units_of_pip_body_but(filled(export(editor)), TIGRINYA_BODY)
    assert upload(editor, data).status_code == 302
    pip = load_content(needs_work, STATIC, LANGUAGES).step("pip")
    assert pip is not None
    assert read_fields(needs_work / REMOVED)["body"] == TIGRINYA_BODY
    assert pip.status("ti") == "draft"


@pytest.mark.parametrize("breaking", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_file_writes_nothing(
    editor: FlaskClient, needs_work: Path, breaking: Callable[[bytes], bytes]
) -> None:
    good = filled(export(editor))
    before = snapshot(needs_work)
    response = upload(editor, breaking(good))
    assert response.status_code == 422
    assert 'id="problems"' in response.get_data(as_text=True)
    assert snapshot(needs_work) == before
    # The same file, unbroken, would have been imported: the problem is what stopped it.
    assert units(export(editor)).keys() == expected_ids(needs_work)


def test_an_empty_upload_writes_nothing(editor: FlaskClient, needs_work: Path) -> None:
    before = snapshot(needs_work)
    assert upload(editor, b"").status_code == 422
    assert editor.post("/editor/xliff/ti", data={}).status_code == 422
    assert snapshot(needs_work) == before


@pytest.fixture
def parse_failures(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Record what the XLIFF reader's parser raised."""
    failures: list[BaseException] = []
    parse = portal.xliff.SafeElementTree.fromstring

    def recording(data: bytes) -> Element:
        try:
            return parse(data)
        except Exception as error:
            failures.append(error)
            raise

    monkeypatch.setattr(portal.xliff.SafeElementTree, "fromstring", recording)
    return failures


def test_an_xml_bomb_is_refused_at_once_not_expanded(
    editor: FlaskClient, needs_work: Path, parse_failures: list[BaseException]
) -> None:
    before = snapshot(needs_work)
    started = time.perf_counter()
    response = upload(editor, BILLION_LAUGHS)
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert elapsed < 2, f"the bomb took {elapsed:.1f} s: was it expanded?"
    assert len(parse_failures) == 1
    assert isinstance(parse_failures[0], defusedxml.EntitiesForbidden)
    assert snapshot(needs_work) == before
