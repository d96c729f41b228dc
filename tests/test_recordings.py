"""Recordings of the texts, read aloud by editors: upload in every common format, conversion to
what every phone plays, status (outdated when the text changes, reviewed by someone else),
the play button on the page, the plan's play-all, the offline pack and the letter's line.

The repository carries no recordings: these tests make their own, a tone and a Dutch phrase
spoken by espeak-ng (a computer voice used only as test input, never shipped).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.audio import AudioError, convert
from portal.conversions import Conversion
from portal.database import db
from portal.export import export_paths
from portal.jobs import now
from tests.conftest import make_staff_app
from tests.layout import layout_faults
from tests.pdf_tools import normalise, pages_text
from tests.test_editor import catalogs_copy, editor_app, log_in  # noqa: F401 - fixtures
from tests.test_letters import letter_values

STEP = "brede-intake"
STEP_FOLDER = "plan/04-brede-intake"
FORMATS = ["wav", "mp3", "ogg", "opus", "webm", "m4a", "flac"]
# Loudness of a converted recording (EBU R 128 integrated), with room for the limiter.
LOUDNESS_RANGE = (-19.0, -14.0)


@pytest.fixture
def recorder(request: pytest.FixtureRequest) -> FlaskClient:
    """Return a client logged in as the editor who records."""
    return log_in(request.getfixturevalue("editor_app").test_client(), "editor")


@pytest.fixture
def reviewer(request: pytest.FixtureRequest) -> FlaskClient:
    """Return a client of the same app logged in as another editor (an admin)."""
    return log_in(request.getfixturevalue("editor_app").test_client(), "admin")


def ffmpeg(*arguments: str) -> None:
    """Run ffmpeg quietly; fail the test when it fails."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", *arguments], check=True)


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Return a short Dutch phrase (espeak-ng) in every common format, with silence around it."""
    folder = tmp_path_factory.mktemp("spoken")
    voice = folder / "voice.wav"
    subprocess.run(
        ["espeak-ng", "-v", "nl", "-w", str(voice), "Welkom bij de gemeente. Neem uw brief mee."],
        check=True,
    )
    padded = folder / "padded.wav"  # a second of silence before and after, to be trimmed
    ffmpeg("-i", str(voice), "-af", "adelay=1000,apad=pad_dur=1", str(padded))
    made = {}
    codecs = {"opus": ["-c:a", "libopus"], "webm": ["-c:a", "libopus"], "m4a": ["-c:a", "aac"]}
    for extension in FORMATS:
        target = folder / f"phrase.{extension}"
        ffmpeg("-i", str(padded), *codecs.get(extension, []), str(target))
        made[extension] = target.read_bytes()
    return made


def probe(data: bytes, tmp_path: Path) -> dict[str, object]:
    """Return what ffprobe and ffmpeg's loudness meter say of a recording."""
    path = tmp_path / "probed.m4a"
    path.write_bytes(data)
    found = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    )
    meter = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-af",
            "ebur128",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    loudness = re.findall(r"I:\s+(-?[\d.]+) LUFS", meter)[-1]
    stream = found["streams"][0]
    return {
        "codec": stream["codec_name"],
        "channels": stream["channels"],
        "format": found["format"]["format_name"],
        "seconds": float(found["format"]["duration"]),
        "loudness": float(loudness),
    }


@pytest.mark.parametrize("extension", FORMATS)
def test_every_common_format_becomes_aac_every_phone_plays_at_speech_loudness(
    spoken: dict[str, bytes], extension: str, tmp_path: Path
) -> None:
    converted, seconds = convert(spoken[extension], 6 * 1024 * 1024)
    found = probe(converted, tmp_path)
    assert found["codec"] == "aac"
    assert found["channels"] == 1
    assert "mp4" in str(found["format"])
    # The phrase lasts about 2.5 s; the second of silence at each end is trimmed.
    assert 1.8 < seconds < 3.2, seconds
    assert abs(float(found["seconds"]) - seconds) < 0.2  # type: ignore[arg-type]
    assert LOUDNESS_RANGE[0] < found["loudness"] < LOUDNESS_RANGE[1], found  # type: ignore[operator]


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (b"%PDF-1.7 not a recording", "not-audio"),
        (b"\x00" * 2048, "not-audio"),
        (b"x" * (6 * 1024 * 1024 + 1), "too-large"),
    ],
    ids=["pdf", "zeros", "too-large"],
)
def test_what_is_not_a_usable_recording_is_refused(upload: bytes, reason: str) -> None:
    with pytest.raises(AudioError) as refused:
        convert(upload, 6 * 1024 * 1024)
    assert refused.value.reason == reason


def test_silence_and_a_too_long_recording_are_refused(tmp_path: Path) -> None:
    silence, long_tone = tmp_path / "silence.wav", tmp_path / "long.ogg"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "3", str(silence))
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=300:sample_rate=8000",
        "-t",
        "301",
        "-c:a",
        "libopus",
        "-b:a",
        "6k",
        str(long_tone),
    )
    with pytest.raises(AudioError) as refused:
        convert(silence.read_bytes(), 6 * 1024 * 1024)
    assert refused.value.reason == "silent"
    with pytest.raises(AudioError) as refused:
        convert(long_tone.read_bytes(), 6 * 1024 * 1024)
    assert refused.value.reason == "too-long"


def upload(client: FlaskClient, lang: str, data: bytes, name: str = "phrase.webm") -> object:
    """Post a recording to the editor's address for the step, as the form does, and follow
    it to the page that says how its conversion ended (the job runs at once in tests)."""
    return client.post(
        f"/editor/audio/step/{STEP}/{lang}",
        data={"audio": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_an_editor_uploads_a_recording_and_the_reader_gets_a_play_button(
    recorder: FlaskClient, content_copy: Path, spoken: dict[str, bytes]
) -> None:
    page = recorder.get(f"/editor/audio/step/{STEP}/ti")
    assert page.status_code == 200
    assert "microphone=(self)" in page.headers["Permissions-Policy"]  # this page alone
    assert "data-recorder" in page.text
    assert 'type="file"' in page.text
    response = upload(recorder, "ti", spoken["webm"])
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.request.path == f"/editor/audio/step/{STEP}/ti"  # type: ignore[attr-defined]
    assert "The recording is saved." in response.text  # type: ignore[attr-defined]
    folder = content_copy / STEP_FOLDER
    assert (folder / "ti.m4a").read_bytes()[4:8] == b"ftyp"
    described = (folder / "ti.audio.yml").read_text(encoding="utf-8")
    assert "recorded_by: redacteur@" in described
    assert "review: draft" in described
    step_page = recorder.get(f"/ti/plan/{STEP}/").text
    player = re.search(
        r'<audio class="listen-player" controls preload="none" src="([^"]+)"', step_page
    )
    assert player is not None
    assert "pictograms/speaker.svg" in step_page
    played = recorder.get(player.group(1), headers={"Range": "bytes=0-99"})
    assert played.status_code == 206  # Safari plays only what answers byte ranges
    assert played.mimetype == "audio/mp4"
    assert played.data == (folder / "ti.m4a").read_bytes()[:100]
    played.close()
    # Other languages have no recording: no play button there.
    assert "listen-player" not in recorder.get(f"/ar/plan/{STEP}/").text
    # The plan plays every recorded step, one after another.
    plan = recorder.get("/ti/plan/").text
    assert f'data-playlist="{player.group(1)}"' in plan
    assert "js/playlist.js" in plan


def test_a_recording_goes_outdated_when_its_text_changes_and_is_not_offered(
    recorder: FlaskClient,
    content_copy: Path,
    spoken: dict[str, bytes],
    app_on: Callable[..., Flask],
) -> None:
    upload(recorder, "ar", spoken["mp3"], "phrase.mp3")
    assert "listen-player" in recorder.get(f"/ar/plan/{STEP}/").text
    text = content_copy / STEP_FOLDER / "ar.md"
    text.write_text(
        text.read_text(encoding="utf-8").replace("## ", "## جديد ", 1), encoding="utf-8"
    )
    assert "listen-player" not in recorder.get(f"/ar/plan/{STEP}/").text  # not the old words
    page = recorder.get(f"/editor/audio/step/{STEP}/ar").text
    assert 'class="state state-outdated"' in page
    side_by_side = recorder.get(f"/editor/step/{STEP}/ar").text  # beside the text, too
    assert f'href="/editor/audio/step/{STEP}/ar"' in side_by_side
    assert 'class="state state-outdated"' in side_by_side
    result = app_on().test_cli_runner().invoke(args=["content", "check"])
    assert "04-brede-intake/ar.md" in result.output
    assert "the recording (ar.m4a) reads an older version" in result.output
    status = app_on().test_cli_runner().invoke(args=["content", "status", "--lang", "ar"])
    assert re.search(r"recording step/brede-intake\s+ar\s+outdated", status.output)
    table = recorder.get("/editor/?lang=ar").text
    assert f'href="/editor/audio/step/{STEP}/ar"><span class="state state-outdated">' in table


def test_someone_else_marks_a_recording_reviewed_never_its_maker(
    recorder: FlaskClient, reviewer: FlaskClient, content_copy: Path, spoken: dict[str, bytes]
) -> None:
    upload(recorder, "en", spoken["wav"], "phrase.wav")
    url = f"/editor/audio/step/{STEP}/en"
    refused = recorder.post(url, data={"action": "review"})
    assert refused.status_code == 403
    assert "review: draft" in (content_copy / STEP_FOLDER / "en.audio.yml").read_text()
    assert reviewer.post(url, data={"action": "review"}).status_code == 302
    described = (content_copy / STEP_FOLDER / "en.audio.yml").read_text()
    assert "review: reviewed" in described
    assert "reviewed_by: beheerder@" in described


@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (b"%PDF-1.7 a letter", "brief.pdf", 422, "not a sound recording"),
        (b"", "", 400, "Choose a recording first"),
    ],
    ids=["pdf", "nothing"],
)
def test_a_refused_upload_says_why_and_keeps_the_old_recording(
    recorder: FlaskClient,
    content_copy: Path,
    spoken: dict[str, bytes],
    data: bytes,
    name: str,
    status: int,
    message: str,
) -> None:
    upload(recorder, "nl", spoken["flac"], "phrase.flac")
    before = (content_copy / STEP_FOLDER / "nl.m4a").read_bytes()
    response = upload(recorder, "nl", data, name)
    assert response.status_code == status  # type: ignore[attr-defined]
    assert message in response.text  # type: ignore[attr-defined]
    assert (content_copy / STEP_FOLDER / "nl.m4a").read_bytes() == before


def test_the_offline_pack_holds_the_recording_and_the_letter_says_listen(
    recorder: FlaskClient, content_copy: Path, spoken: dict[str, bytes]
) -> None:
    upload(recorder, "ti", spoken["ogg"], "phrase.ogg")
    listed = recorder.get("/ti/offline.json").get_json()
    recordings = [f for f in listed["files"] if f["url"].endswith(".m4a")]
    assert len(recordings) == 1
    assert recordings[0]["size"] == (content_copy / STEP_FOLDER / "ti.m4a").stat().st_size
    assert listed["size"] == sum(f["size"] for f in listed["files"])  # shown before saving


def test_a_letter_whose_step_is_recorded_says_scan_to_listen_with_the_speaker(
    recorder: FlaskClient, content_copy: Path, spoken: dict[str, bytes]
) -> None:
    upload(recorder, "ti", spoken["m4a"], "phrase.m4a")
    staff = make_staff_app(CONTENT_DIR=str(content_copy), CONTENT_RELOAD_INTERVAL=0)
    client = staff.test_client()
    slug = "uitnodiging-brede-intake"
    recorded = client.post(f"/staff/letters/{slug}/", data=letter_values(staff, slug, "ti"))
    assert recorded.mimetype == "application/pdf"
    dutch_page = normalise(pages_text(recorded.data)[0])
    assert "Dan kunt u deze stap lezen en beluisteren in uw taal." in dutch_page
    for page in (1, 2):
        assert not layout_faults(recorded.data, page)
    # Arabic is not recorded: its letter does not promise a recording.
    unrecorded = client.post(f"/staff/letters/{slug}/", data=letter_values(staff, slug, "ar"))
    assert "beluisteren" not in pages_text(unrecorded.data)[0]


def test_a_recording_larger_than_an_upload_may_be_gets_a_page_that_says_what_to_do(
    recorder: FlaskClient,
) -> None:
    # A small limit for the test: the test client would spool a body of megabytes to a file.
    recorder.application.config["MAX_CONTENT_LENGTH"] = 100_000
    response = upload(recorder, "en", b"x" * 200_000, "opname.wav")
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert "Save it as MP3 or M4A" in response.text  # type: ignore[attr-defined]
    assert "Split the list" not in response.text  # type: ignore[attr-defined]


def test_the_static_export_carries_the_recordings_its_pages_play(
    recorder: FlaskClient, spoken: dict[str, bytes]
) -> None:
    upload(recorder, "ar", spoken["opus"], "phrase.opus")
    page = recorder.get(f"/ar/plan/{STEP}/").text
    address = re.search(r'<audio class="listen-player" controls preload="none" src="([^"]+)"', page)
    assert address is not None
    with recorder.application.test_request_context():
        assert address.group(1) in export_paths()


def test_a_questions_page_is_read_aloud_too(
    recorder: FlaskClient, spoken: dict[str, bytes]
) -> None:
    response = recorder.post(
        "/editor/audio/question/kosten/nl",
        data={"audio": (io.BytesIO(spoken["mp3"]), "kosten.mp3")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = recorder.get("/nl/vragen/kosten/").text
    assert '<audio class="listen-player"' in page
    # The English page reads English words: the Dutch recording is not offered there.
    assert "listen-player" not in recorder.get("/en/vragen/kosten/").text


def pending_conversion(app: Flask, state: str, seconds_silent: float = 0) -> str:
    """Put a conversion of the Tigrinya step in the database, as the job worker would leave
    it; return its id."""
    with app.app_context():
        conversion = Conversion(
            id=f"test-{state}-{seconds_silent:.0f}", editor="redacteur@example.org",
            kind="step", slug=STEP, lang="ti", text_code="0", state=state, steps_done=2,
            alive_at=now() - dt.timedelta(seconds=seconds_silent),
        )  # fmt: skip
        db.session.add(conversion)
        db.session.commit()
        return conversion.id


def test_a_conversion_under_way_shows_how_far_it_is_and_looks_again(
    recorder: FlaskClient,
) -> None:
    conversion = pending_conversion(recorder.application, "running")
    page = recorder.get(f"/editor/audio/step/{STEP}/ti?conversion={conversion}")
    assert page.status_code == 200
    assert '<progress max="4" value="2"' in page.text
    assert "2 of 4 steps done" in page.text
    assert '<meta http-equiv="refresh" content="1">' in page.text
    # The same conversion is not shown on another text's page.
    other = recorder.get(f"/editor/audio/step/{STEP}/ar?conversion={conversion}")
    assert "<progress" not in other.text
    assert "http-equiv" not in other.text


def test_a_conversion_whose_worker_stopped_says_so_and_stops_looking(
    recorder: FlaskClient,
) -> None:
    conversion = pending_conversion(recorder.application, "running", seconds_silent=3600)
    page = recorder.get(f"/editor/audio/step/{STEP}/ti?conversion={conversion}")
    assert page.status_code == 422
    assert "The conversion stopped halfway. Upload the recording again." in page.text
    assert "http-equiv" not in page.text


def test_a_conversion_leaves_no_upload_behind(
    recorder: FlaskClient, spoken: dict[str, bytes]
) -> None:
    folder = Path(recorder.application.config["INSTANCE_DIR"]) / "conversions"
    assert upload(recorder, "ti", spoken["ogg"], "phrase.ogg").status_code == 200  # type: ignore[attr-defined]
    assert upload(recorder, "ti", b"%PDF-1.7", "brief.pdf").status_code == 422  # type: ignore[attr-defined]
    assert list(folder.iterdir()) == []
