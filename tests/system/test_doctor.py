"""`interview doctor` on the virtual microphone and speaker: every check passes, a broken one names its fix."""
import socket

import pytest

from tests.conftest import run_cli
from tests.live_audio import audio_up, microphone_suspended

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def audio_env():
    return audio_up()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_doctor_passes_on_working_devices_and_names_the_fix_for_a_dead_llm(audio_env):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    result = run_cli("doctor", "--tts", "espeak", "--llm-base-url", url, env=audio_env)
    lines = result.stdout.splitlines()
    for check in ("microphone records", "speaker plays", "speech engine", "voice activity model",
                  "speech-to-text model", "embedding model"):
        assert any(line.startswith(f"[ok] {check}") for line in lines), (check, result.stdout, result.stderr)
    assert any(line.startswith("[FAIL] LLM server") for line in lines), result.stdout
    assert "fix: start the server or fix --llm-base-url" in result.stdout
    assert result.code == 1 and "Traceback" not in result.stderr


def test_doctor_reports_a_missing_microphone_with_its_fix(audio_env):
    result = run_cli("doctor", "--tts", "espeak", "--input-device", "no such microphone", env=audio_env)
    assert "[FAIL] microphone records" in result.stdout
    assert "--input-device" in result.stdout and result.code == 1


def test_doctor_names_a_microphone_that_is_there_but_sends_nothing(audio_env):
    # a suspended source stays listed and opens, and never calls back: the check gives up instead of waiting forever
    with microphone_suspended(audio_env):
        result = run_cli("doctor", "--tts", "espeak", env=audio_env, timeout_s=120)
    assert "[FAIL] microphone records: the microphone 'default' sent 0.0 s of audio in 6 s" in result.stdout, result.stdout
    assert "[ok] speaker plays" in result.stdout
    assert result.code == 1 and "Traceback" not in result.stderr
