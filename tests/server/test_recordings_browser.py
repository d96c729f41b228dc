"""A recording through the real server (gunicorn, several workers) and a real browser: an
editor uploads a Tigrinya reading of a step over HTTP, every worker offers it at once, Debian's
chromium plays it to the end on a 360 px phone, the plan plays it in its play-all, the offline
pack holds it; then the text changes and no worker offers the outdated recording any more.

The recording is made by the test: a Dutch phrase from espeak-ng (a computer voice used only
as test input), with silence around it that the server trims.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright

from tests.browser.test_accessibility import assert_no_violations
from tests.server.harness import PASSWORD, Reply, Server, csrf_token, local_path, logged_in
from tests.server.harness import Browser as HttpClient
from tests.server.test_offline_browser import save
from tools.chromium import CHROMIUM, CHROMIUM_ARGS

STEP = "brede-intake"
NEXT_STEP = "pip"
STEP_FILE = Path("plan/04-brede-intake/ti.md")
PHONE = {"width": 360, "height": 740}
RELOAD_SECONDS = 10.0  # workers look at content/ every 2 s
CONVERSION_SECONDS = 60.0  # a few seconds in the job worker; much longer is a fault


def spoken_phrase(folder: Path) -> bytes:
    """Return a short spoken Dutch phrase as Ogg Opus, as a browser's recorder might send."""
    voice, recording = folder / "voice.wav", folder / "phrase.ogg"
    text = "Welkom bij de gemeente. Neem uw brief mee."
    subprocess.run(["espeak-ng", "-v", "nl", "-w", str(voice), text], check=True)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(voice), "-af", "adelay=800,apad=pad_dur=1"]
        + ["-c:a", "libopus", str(recording)],
        check=True,
    )
    return recording.read_bytes()


# Play an audio element to its end (muted: a test machine has no speakers); an error rejects.
PLAY_TO_THE_END = """audio => new Promise((resolve, reject) => {
    audio.addEventListener('ended', () => resolve(audio.duration));
    audio.addEventListener('error', () => reject(new Error('media error ' +
        (audio.error && audio.error.code))));
    audio.muted = true;
    audio.play().catch(reject);
})"""
# Play the plan's play-all until two recordings have ended; return what each one played.
PLAY_TWO = """audio => new Promise((resolve, reject) => {
    const played = [];
    let ended = 0;
    audio.addEventListener('playing', () => played.push(audio.currentSrc));
    audio.addEventListener('ended', () => { ended += 1; if (ended === 2) resolve(played); });
    audio.addEventListener('error', () => reject(new Error('media error')));
    audio.muted = true;
    audio.play().catch(reject);
})"""


def player_address(page: str) -> str | None:
    """Return the address the page's play button plays, or None when it has none."""
    found = re.search(r'<audio class="listen-player" controls preload="none" src="([^"]+)"', page)
    return found.group(1) if found else None


def conversion_end(editor: HttpClient, uploaded: Reply) -> str:
    """Follow an upload's conversion page, as its refresh does, until it ends; return what
    the page then says (saved, or why not)."""
    deadline = time.monotonic() + CONVERSION_SECONDS
    page = editor.follow(uploaded)
    while '<meta http-equiv="refresh"' in page.text and time.monotonic() < deadline:
        assert page.status == 200, page
        assert "<progress" in page.text
        time.sleep(0.5)
        page = editor.get(local_path(uploaded.location, editor.port))
    found = re.search(
        r'<p class="notice[^"]*" role="(?:status|alert)"[^>]*>.*?<span>(.*?)</span>',
        page.text,
        re.S,
    )
    return found.group(1) if found else page.text[:2000]


@pytest.mark.server
def test_a_tigrinya_recording_uploaded_over_http_plays_in_chromium_and_goes_outdated(
    server: Server, browser: Browser, tmp_path: Path
) -> None:
    editor = logged_in(
        server.port,
        server.account("recorder@example.org", "editor"),
        {"Accept-Language": "en"},
    )
    form = editor.get(f"/editor/audio/step/{STEP}/ti")
    assert form.status == 200, form
    saved = editor.upload(
        f"/editor/audio/step/{STEP}/ti",
        {"csrf_token": csrf_token(form.text)},
        {"audio": ("opname.ogg", spoken_phrase(tmp_path), "audio/ogg")},
    )
    assert saved.status == 302, saved
    # The upload answers at once; the job worker converts it while the page shows how far.
    assert conversion_end(editor, saved) == "The recording is saved."
    assert (server.content / STEP_FILE).with_suffix(".m4a").is_file()
    second = editor.upload(
        f"/editor/audio/step/{NEXT_STEP}/ti",
        {"csrf_token": csrf_token(editor.get(f"/editor/audio/step/{NEXT_STEP}/ti").text)},
        {"audio": ("opname.ogg", spoken_phrase(tmp_path), "audio/ogg")},
    )
    assert conversion_end(editor, second) == "The recording is saved."

    visitor = server.browser()
    # Every worker offers it within its reload interval, whichever one answers.
    deadline = time.monotonic() + RELOAD_SECONDS
    addresses: list[str | None] = [None]
    while time.monotonic() < deadline:
        addresses = [player_address(visitor.get(f"/ti/plan/{STEP}/").text) for _ in range(4)]
        if all(addresses):
            break
        time.sleep(0.5)
    assert all(addresses), addresses
    address = str(addresses[0])
    assert address in visitor.get("/ti/plan/").text  # the plan's play-all
    listed = visitor.get("/ti/offline.json").text
    assert f'"url": "{address}"' in listed or f'"url":"{address}"' in listed

    context = browser.new_context(viewport=PHONE, locale="ti")
    try:
        phone = context.new_page()
        phone.goto(f"http://127.0.0.1:{server.port}/ti/plan/{STEP}/")
        player = phone.locator("audio.listen-player")
        box = player.bounding_box()
        assert box is not None
        assert box["width"] >= 200  # a large button on a 360 px screen
        assert box["x"] + box["width"] <= PHONE["width"]
        # Play it to the end (muted: a test machine has no speakers); an error rejects.
        duration = player.evaluate(PLAY_TO_THE_END)
        assert 1.5 < duration < 4.0, duration
        assert_no_violations(phone)  # the page with its play button, WCAG 2.2 AA
        # The plan plays the recorded steps one after another.
        phone.goto(f"http://127.0.0.1:{server.port}/ti/plan/")
        played = phone.locator("audio[data-playlist]").evaluate(PLAY_TWO)
        assert [Path(src).name.split("-")[0] for src in played] == ["ti", "ti"]
        assert played[0] != played[1]
        # Saved on the phone, it plays without a connection.
        save(phone, f"http://127.0.0.1:{server.port}/ti/plan/")
        context.set_offline(True)
        phone.goto(f"http://127.0.0.1:{server.port}/ti/plan/{STEP}/")
        offline_duration = phone.locator("audio.listen-player").evaluate(PLAY_TO_THE_END)
        assert abs(offline_duration - duration) < 0.1
        context.set_offline(False)
    finally:
        context.close()

    # The text changes: no worker offers the recording of the old words any more.
    text = server.content / STEP_FILE
    text.write_text(text.read_text(encoding="utf-8").replace("## ", "## ሓድሽ ", 1), encoding="utf-8")
    deadline = time.monotonic() + RELOAD_SECONDS
    offered = [True]
    while time.monotonic() < deadline:
        offered = ["listen-player" in visitor.get(f"/ti/plan/{STEP}/").text for _ in range(4)]
        if not any(offered):
            break
        time.sleep(0.5)
    assert not any(offered), offered
    assert visitor.get(address).status == 404
    status = editor.get("/editor/?lang=ti").text
    assert f'href="/editor/audio/step/{STEP}/ti"><span class="state state-outdated">' in status


@pytest.mark.server
def test_an_editor_records_with_the_browsers_microphone_and_saves(
    server: Server, playwright_driver: Playwright
) -> None:
    email = server.account("microphone@example.org", "editor")
    # A browser with a fake microphone (chromium's test tone) that is allowed without asking.
    fake_microphone = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    recording_browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *fake_microphone]
    )
    base = f"http://127.0.0.1:{server.port}"
    try:
        context = recording_browser.new_context(locale="ti")
        context.grant_permissions(["microphone"], origin=base)
        page = context.new_page()
        page.goto(f"{base}/staff/login?next=/editor/audio/step/{STEP}/ti")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit]").click()
        page.wait_for_url(f"{base}/editor/audio/step/{STEP}/ti")
        recorder = page.locator("[data-recorder]")
        assert recorder.is_visible()  # the script showed it: MediaRecorder is there
        assert_no_violations(page)  # WCAG 2.2 AA, in Tigrinya
        recorder.locator("[data-record-start]").click()
        page.wait_for_timeout(2500)
        recorder.locator("[data-record-stop]").click()
        playback = recorder.locator("[data-record-playback]")
        playback.wait_for(state="visible")
        # Listen before saving: the recording plays in the page (a blob: address).
        assert playback.evaluate("audio => audio.src.startsWith('blob:')")
        with page.expect_navigation():
            recorder.locator("[data-record-save]").click()
        # The conversion's page looks again every second until the job worker is done.
        assert "conversion=" in page.url
        page.locator("#saved").wait_for(timeout=CONVERSION_SECONDS * 1000)
        assert page.locator(".state-draft").count() >= 1, page.content()[:2000]
        assert page.locator(".recording-now audio").count() == 1  # the saved one, to listen to
        assert_no_violations(page)
    finally:
        recording_browser.close()
    saved = (server.content / STEP_FILE).with_suffix(".m4a")
    assert saved.read_bytes()[4:8] == b"ftyp"
    described = (server.content / STEP_FILE).with_name("ti.audio.yml").read_text()
    seconds = float(re.search(r"seconds: ([\d.]+)", described).group(1))  # type: ignore[union-attr]
    assert 1.0 < seconds < 3.0, described
