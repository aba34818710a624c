"""Importing the packages stays cheap: heavy libraries load only when a feature needs them."""
import subprocess
import sys

from tests.conftest import REPO, assert_clean_error, run_cli

HEAVY = ("torch", "transformers", "faster_whisper", "ctranslate2", "sounddevice", "pyttsx3", "openai", "weasyprint")


def test_package_imports_pull_in_no_heavy_library():
    code = ("import sys, voice, nlp, interview, reports\n"
            "import voice.audio, voice.stt, voice.vad, nlp.scoring, nlp.emotion_local, interview.session, "
            "interview.replay, interview.cli, reports.build, reports.write\n"
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "interview", "--help"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0
    for command in ("replay", "transcribe", "report", "cohort", "plan"):
        assert command in out.stdout


def test_quiet_and_verbose_work_before_and_after_the_command(tmp_path):
    for args in (["-q", "replay", str(tmp_path / "absent")], ["replay", str(tmp_path / "absent"), "--quiet"],
                 ["replay", str(tmp_path / "absent"), "-v"]):
        assert_clean_error(run_cli(*args), "no such folder")
