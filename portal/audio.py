"""Recordings of texts, read aloud by an editor who speaks the language.

An upload (any common format: WebM or Ogg from a browser's MediaRecorder, MP3, M4A, WAV,
FLAC...) is converted by ffmpeg to what every phone plays, Android's Chrome and iOS Safari
alike: AAC in an MP4 file (.m4a), mono, at a bit rate suited to speech, its loudness
normalised and the silence at both ends trimmed. It is stored beside the text it reads
(`plan/04-brede-intake/ti.md` -> `ti.m4a`), with `ti.audio.yml` saying which version of the
text it reads and who recorded and reviewed it: a recording of a text that has changed since is
outdated and is not offered to readers.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .textfiles import KINDS, fields_from_text, read_text, source_hash

AUDIO_SUFFIX = ".m4a"
# Kinds of text that have a page to play them on.
RECORDED_KINDS = ("step", "question")
MAX_SECONDS = 5 * 60  # a step read aloud takes one to two minutes
SHORTEST_SECONDS = 0.5  # what is left after trimming silence: less is no recording
# The time limit of a whole conversion (in the job worker, portal/conversions.py); a
# five-minute recording takes about 4 s, two minutes about 2 s (bench/recording_speed.py).
CONVERT_SECONDS = 20
# Loudness for speech on phones: -16 LUFS integrated (EBU R 128), peaks kept below -1.5 dBFS.
TARGET_LUFS = -16.0
PEAK_LIMIT = 0.84
SILENCE_LUFS = -60.0  # quieter than this is no speech (the meter's floor is -70)
# Trim what is quieter than -45 dB at the start, then (reversed) at the end.
TRIM = "silenceremove=start_periods=1:start_threshold=-45dB:start_silence=0.15"
BIT_RATE = "64k"  # AAC-LC mono: clear speech at about half a megabyte a minute
REVIEW_STATES = ("draft", "reviewed")


class AudioError(ValueError):
    """An upload that cannot become a recording; `reason` says why, for the editor."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason  # not-audio | too-long | too-large | silent | failed


@dataclass(frozen=True)
class Recording:
    """A recording of one text in one language, as its .audio.yml describes it."""

    path: Path  # the .m4a file
    recorded_from: str  # the code of the text it reads (as `translated_from` codes Dutch)
    recorded_by: str
    seconds: float
    review: str = "draft"
    reviewed_by: str = ""
    current: bool = True  # it reads the text as the text is now (set when content loads)

    @property
    def version(self) -> str:
        """Return a short code that changes whenever the recording does (for addresses)."""
        return f"{self.recorded_from}{round(self.seconds * 10):x}"


def audio_path(text_path: Path) -> Path:
    """Return where the recording of a text file is kept: beside it, as `<lang>.m4a`."""
    return text_path.with_suffix(AUDIO_SUFFIX)


def description_path(text_path: Path) -> Path:
    """Return the file that describes the recording of a text: `<lang>.audio.yml`."""
    return text_path.with_name(f"{text_path.stem}.audio.yml")


def text_code(kind: str, text_path: Path) -> str:
    """Return the code of a text file's words (title, summary, body), in any language."""
    return source_hash(KINDS[kind], fields_from_text(text_path, read_text(text_path)))


def recordings_of(kind: str, texts: Mapping[str, Any]) -> dict[str, Recording]:
    """Return the recording of each language's text that has one, marked current or not."""
    if kind not in RECORDED_KINDS:
        return {}
    found = {}
    for lang, text in texts.items():
        recording = read_recording(text.path)
        if recording is not None:
            current = recording.recorded_from == text_code(kind, text.path)
            found[lang] = replace(recording, current=current)
    return found


def read_recording(text_path: Path) -> Recording | None:
    """Return the recording of a text file, or None when it has none (or it is unreadable)."""
    described, recorded = description_path(text_path), audio_path(text_path)
    if not described.is_file() or not recorded.is_file():
        return None
    try:
        data = yaml.safe_load(described.read_text(encoding="utf-8")) or {}
        review = str(data.get("review") or "draft")
        return Recording(
            path=recorded,
            recorded_from=str(data["recorded_from"]),
            recorded_by=str(data.get("recorded_by") or ""),
            seconds=float(data["seconds"]),
            review=review if review in REVIEW_STATES else "draft",
            reviewed_by=str(data.get("reviewed_by") or ""),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError):
        return None


def description(recording: Recording) -> str:
    """Return the text of a recording's .audio.yml."""
    data: dict[str, Any] = {
        "recorded_from": recording.recorded_from,
        "recorded_by": recording.recorded_by,
        "seconds": round(recording.seconds, 1),
        "review": recording.review,
    }
    if recording.reviewed_by:
        data["reviewed_by"] = recording.reviewed_by
    note = "# A recording of the text beside it (same name, .md); written by the editor.\n"
    return note + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def run_tool(command: list[str], deadline: float) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg or ffprobe until the conversion's deadline (time.monotonic()) at most."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise AudioError("failed", "no time left")
    try:
        return subprocess.run(  # noqa: S603 - fixed arguments, paths we made
            command, capture_output=True, text=True, timeout=left, check=False
        )
    except subprocess.TimeoutExpired:
        raise AudioError("failed", f"{command[0]} took too long") from None


def probe(path: Path, deadline: float) -> tuple[bool, float]:
    """Return whether a file holds an audio stream, and its duration in seconds."""
    command = ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json"]
    result = run_tool([*command, str(path)], deadline)
    if result.returncode != 0:
        return False, 0.0
    found = json.loads(result.stdout or "{}")
    streams = [s for s in found.get("streams", []) if s.get("codec_type") == "audio"]
    duration = found.get("format", {}).get("duration") or (
        streams[0].get("duration") if streams else 0
    )
    try:
        seconds = float(duration or 0)
    except ValueError:
        seconds = 0.0
    return bool(streams), seconds


def run_ffmpeg(arguments: list[str], deadline: float) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg until the deadline; raise AudioError when it fails or takes too long."""
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-y", *arguments]
    result = run_tool(command, deadline)
    if result.returncode != 0:
        raise AudioError("failed", result.stderr.strip()[-300:])
    return result


CONVERT_STEPS = 4  # look at the file, trim the silence, measure the loudness, encode


def convert(
    upload: bytes, max_bytes: int, progress: Callable[[int], None] = lambda _done: None
) -> tuple[bytes, float]:
    """Convert an uploaded recording to speech-ready AAC (.m4a); return it and its length.

    `progress` hears how many of the CONVERT_STEPS are done. Raise AudioError for what is
    not audio, too large, too long, silent, or what ffmpeg cannot convert within its time
    limit.
    """
    if len(upload) > max_bytes:
        raise AudioError("too-large", f"{len(upload)} bytes")
    with tempfile.TemporaryDirectory(prefix="wegwijs-audio-") as folder:
        source, target = Path(folder) / "upload", Path(folder) / f"recording{AUDIO_SUFFIX}"
        source.write_bytes(upload)
        deadline = time.monotonic() + CONVERT_SECONDS
        is_audio, seconds = probe(source, deadline)
        if not is_audio:
            raise AudioError("not-audio")
        if seconds > MAX_SECONDS:
            raise AudioError("too-long", f"{seconds:.0f} s")
        progress(1)
        # Three steps: trim the silence at both ends (into mono WAV), measure the loudness of
        # what is left (EBU R 128), then raise or lower it in one step, keep the peaks below
        # the limit and encode. (loudnorm measures ten times slower, and its own normalising
        # leaves clips of a few seconds some twenty decibels too quiet.)
        trimmed = Path(folder) / "trimmed.wav"
        run_ffmpeg(
            ["-i", str(source), "-vn", "-ac", "1", "-ar", "44100"]
            + ["-af", f"{TRIM},areverse,{TRIM},areverse", str(trimmed)],
            deadline,
        )
        progress(2)
        measured = run_ffmpeg(
            ["-i", str(trimmed), "-af", "ebur128", "-f", "null", "-"], deadline
        ).stderr
        found = re.findall(r"I:\s+(-?[\d.]+|-?inf|nan) LUFS", measured)
        if not found or found[-1] in ("-inf", "inf", "nan") or float(found[-1]) <= SILENCE_LUFS:
            raise AudioError("silent")
        progress(3)
        gain = TARGET_LUFS - float(found[-1])
        level = f"volume={gain:.2f}dB,alimiter=limit={PEAK_LIMIT}:level=false"
        run_ffmpeg(
            ["-i", str(trimmed), "-af", level, "-c:a", "aac", "-b:a", BIT_RATE]
            + ["-movflags", "+faststart", "-t", str(MAX_SECONDS), str(target)],
            deadline,
        )
        if not target.is_file():
            raise AudioError("failed", "ffmpeg wrote no file")
        _audio, converted_seconds = probe(target, deadline)
        if converted_seconds < SHORTEST_SECONDS:
            raise AudioError("silent")
        progress(4)
        return target.read_bytes(), converted_seconds
