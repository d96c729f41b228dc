"""Two editors saving at the same moment are each told the truth, and git agrees with them."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.server.harness import (
    REDIRECT,
    Browser,
    Server,
    StartServer,
    form_values,
    git,
    logged_in,
)

STEP = "brede-intake"
FILES = {lang: Path(f"plan/04-{STEP}/{lang}.md") for lang in ("ar", "ti")}
ROUNDS = 15
DEADLINE_SECONDS = 90.0  # each test stops starting rounds after this
MIN_ROUNDS = 5
ENGLISH = {"Accept-Language": "en"}  # the editors' interface language: "Saved." in English
SAVED = "Saved."
CONFLICT = "Someone else saved this text"


@dataclass
class Save:
    """What one editor did in one round and what the server told them."""

    editor: str
    lang: str
    marker: str  # "[editor.one round 3]": put at the end of the title, unique in the test
    status: int | None = None
    told: str = ""  # saved | conflict | what else was answered
    error: str = ""


def edit_page(lang: str) -> str:
    """Return the address of the side-by-side editor of the step in `lang`."""
    return f"/editor/step/{STEP}/{lang}?mode=text"  # the whole Markdown in one field


def save(browser: Browser, attempt: Save, start: threading.Barrier) -> None:
    """Open the editor, change the title, wait for the other editor, save; note the answer."""
    try:
        page = browser.get(edit_page(attempt.lang))
        assert page.status == 200, f"the editor page answered {page}"
        fields = form_values(page.text)
        title = fields["title"].split(" [")[0]  # without an earlier round's marker
        posted = {
            "csrf_token": fields["csrf_token"],
            "base": fields["base"],
            "title": f"{title} {attempt.marker}",
            "summary": fields["summary"],
            "body": fields["body"],
            "action": "save",
        }
        start.wait()
        reply = browser.post(edit_page(attempt.lang), posted)
        attempt.status = reply.status
        if reply.status in REDIRECT:
            shown = browser.follow(reply)
            saved = shown.status == 200 and SAVED in shown.text
            attempt.told = "saved" if saved else f"redirect to {shown}"
        elif reply.status == 409 and CONFLICT in reply.text:
            attempt.told = "conflict"
        else:
            attempt.told = str(reply)
    except Exception as error:  # every failure is reported by the test
        attempt.error = f"{type(error).__name__}: {error}"


def newest_commit(server: Server, lang: str) -> tuple[str, str]:
    """Return the author's e-mail of the newest commit of a file, and the file in it."""
    path = FILES[lang].as_posix()
    commit, author = git(server.content, "log", "-1", "--format=%H %ae", "--", path).split()
    return author, git(server.content, "show", f"{commit}:{path}")


def untruths(server: Server, attempts: list[Save]) -> list[str]:
    """Compare what each editor was told with the file and git; return every disagreement."""
    found = []
    for attempt in attempts:
        where = f"{attempt.editor} on {attempt.lang} {attempt.marker}"
        text = (server.content / FILES[attempt.lang]).read_text(encoding="utf-8")
        if attempt.error or attempt.told not in ("saved", "conflict"):
            found.append(f"{where}: answered {attempt.status} {attempt.told} {attempt.error}")
        elif attempt.told == "saved":
            author, committed = newest_commit(server, attempt.lang)
            if attempt.marker not in text:
                found.append(f"{where}: told 'Saved.' but the file holds another text")
            if author != attempt.editor:
                found.append(f"{where}: told 'Saved.' but the newest commit is {author}'s")
            elif attempt.marker not in committed:
                found.append(f"{where}: told 'Saved.' but the newest commit holds another text")
        elif attempt.marker in text:
            found.append(f"{where}: told about a conflict but the file holds this text")
    if (server.content / ".git" / "index.lock").exists():
        found.append(".git/index.lock was left behind")
    dirty = git(server.content, "status", "--porcelain").strip()
    if dirty:
        found.append(f"saved but not committed: {dirty}")
    return found


def editors(server: Server, count: int = 2) -> list[tuple[str, Browser]]:
    """Add editor accounts and log each in, in a session of its own."""
    emails = ["editor.one@example.org", "editor.two@example.org"][:count]
    return [
        (email, logged_in(server.port, server.account(email, "editor"), ENGLISH))
        for email in emails
    ]


def save_rounds(server: Server, langs: tuple[str, str]) -> tuple[list[list[Save]], list[str]]:
    """Let two editors save at the same moment, round after round; return saves and faults."""
    pair = editors(server)
    rounds: list[list[Save]] = []
    faults: list[str] = []
    deadline = time.monotonic() + DEADLINE_SECONDS
    for number in range(ROUNDS):
        if time.monotonic() > deadline:
            break
        start = threading.Barrier(2, timeout=15)
        attempts = [
            Save(email, lang, f"[{email.split('@')[0]} round {number}]")
            for (email, _browser), lang in zip(pair, langs, strict=True)
        ]
        threads = [
            threading.Thread(target=save, args=(browser, attempt, start))
            for (_email, browser), attempt in zip(pair, attempts, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        rounds.append(attempts)
        faults += [f"round {number}: {fault}" for fault in untruths(server, attempts)]
        if langs[0] == langs[1]:
            winners = sum(attempt.told == "saved" for attempt in attempts)
            if winners != 1:
                faults.append(f"round {number}: {winners} of the two editors were told 'Saved.'")
    return rounds, faults


def report(name: str, rounds: list[list[Save]], faults: list[str], tmp_path: Path) -> None:
    """Write and print what the editors were told, round by round."""
    numbers = {
        "rounds": len(rounds),
        "told": [[f"{a.editor.split('@')[0]}:{a.status}:{a.told[:40]}" for a in r] for r in rounds],
        "faults": len(faults),
    }
    (tmp_path / f"{name}.json").write_text(json.dumps(numbers, indent=1))
    print(f"\n{name}:", json.dumps(numbers))


@pytest.mark.server
def test_two_editors_saving_the_same_text_at_once_are_each_told_the_truth(
    start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(git_content=True)
    rounds, faults = save_rounds(server, ("ar", "ar"))
    report("same-text", rounds, faults, tmp_path)
    assert len(rounds) >= MIN_ROUNDS, f"only {len(rounds)} rounds in {DEADLINE_SECONDS:.0f} s"
    assert not faults, "\n".join(faults)


@pytest.mark.server
def test_two_editors_saving_two_texts_at_once_both_get_them_saved_and_committed(
    start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(git_content=True)
    rounds, faults = save_rounds(server, ("ar", "ti"))
    report("two-texts", rounds, faults, tmp_path)
    assert len(rounds) >= MIN_ROUNDS, f"only {len(rounds)} rounds in {DEADLINE_SECONDS:.0f} s"
    assert not faults, "\n".join(faults)
    unsaved = [f"{a.editor} {a.marker}: {a.told}" for r in rounds for a in r if a.told != "saved"]
    assert not unsaved, "saves of different texts that were not saved:\n" + "\n".join(unsaved)


@pytest.mark.server
def test_a_save_without_a_change_answers_normally_and_makes_no_commit(
    start_server: StartServer,
) -> None:
    server = start_server(git_content=True)
    ((email, browser),) = editors(server, 1)
    first = Save(email, "ar", "[a change]")
    save(browser, first, threading.Barrier(1))
    assert first.told == "saved", f"{first.status} {first.told} {first.error}"
    path = server.content / FILES["ar"]
    saved = path.read_bytes()
    commits = git(server.content, "rev-list", "--count", "HEAD").strip()

    page = browser.get(edit_page("ar"))
    fields = form_values(page.text)
    posted = {name: fields[name] for name in ("csrf_token", "base", "title", "summary", "body")}
    reply = browser.post(edit_page("ar"), posted | {"action": "save"})
    assert reply.status < 500, f"a save without a change answered {reply}"
    if reply.status in REDIRECT:
        assert browser.follow(reply).status == 200
    assert path.read_bytes() == saved, "a save without a change changed the file"
    assert git(server.content, "rev-list", "--count", "HEAD").strip() == commits, "a commit"
    assert not git(server.content, "status", "--porcelain").strip(), "something was left staged"
    assert not (server.content / ".git" / "index.lock").exists()
