"""The config file fails closed: a wrong type, an unknown value or an unknown key is one clean error naming
the file, the key and what is expected; every key it accepts is read by something."""
from __future__ import annotations

import argparse
import os

import pytest

from interview.cli.common import apply_live_settings, emotion_options, llm_options, max_followups
from interview.config import Settings, load_config
from voice.errors import VivavoceError


def write(tmp_path, text: str, mode: int = 0o600):
    path = tmp_path / "vivavoce.toml"
    path.write_text(text)
    os.chmod(path, mode)
    return path


@pytest.mark.parametrize("text, needles", [
    ('[emotion]\nenabled = "false"\n', ["[emotion] enabled", "true or false", 'the text "false"']),
    ('[interview]\nmax_followups = "two"\n', ["[interview] max_followups", "whole number", '"two"']),
    ('[emotion]\nwindow_s = "ten"\n', ["[emotion] window_s", "a number", '"ten"']),
    ('[report]\nformats = "md"\n', ["[report] formats", "a list", '"md"']),
    ('[report]\nformats = ["md", "docx"]\n', ["[report] formats[1]", "'md', 'html', 'json' or 'pdf'", '"docx"']),
    ('[live]\ntts = "festival"\n', ["[live] tts", "'pyttsx3' or 'espeak'"]),
    ('[live]\nend_silence_ms = 50\n', ["[live] end_silence_ms", "greater than or equal to 200", "50"]),
    ('[llm]\nbase_url = "ftp://example.com"\n', ["[llm] base_url", "https?://"]),
    ('[emotion]\nenabeld = false\n', ["[emotion] enabeld", "unknown key", "enabled"]),
    ('[emotions]\nenabled = false\n', ["unknown section [emotions]"]),
    ("emotion = false\n", ["emotion must be a [emotion] section"]),
])
def test_a_wrong_setting_is_one_error_naming_file_key_and_expectation(tmp_path, text, needles):
    path = write(tmp_path, text)
    with pytest.raises(VivavoceError) as caught:
        load_config(str(path))
    line = caught.value.one_line()
    assert line.startswith(f"{path}: ") and "\n" not in line
    for needle in needles:
        assert needle in line, (needle, line)


def test_emotion_off_in_the_file_stays_off(tmp_path):
    config = load_config(str(write(tmp_path, "[emotion]\nenabled = false\nvoice = false\nwindow_s = 5\n")))
    args = argparse.Namespace(no_emotion=False, no_voice_emotion=False)
    options = emotion_options(args, config)
    assert (options.enabled, options.voice_enabled, options.window_s) == (False, False, 5.0)


def test_every_key_the_schema_accepts_is_read(tmp_path, monkeypatch):
    """[live] fills the live flags not given; [llm] timeouts and retries reach LLMOptions."""
    config = load_config(str(write(tmp_path, """
[interview]
max_followups = 2
[live]
end_silence_ms = 1200
short_answer_silence_ms = 2500
max_answer_s = 90
echo_tail_ms = 200
tts = "espeak"
voice = "en-gb"
input_device = 3
output_device = "vspeaker"
[llm]
base_url = "http://127.0.0.1:9/v1"
model = "local"
connect_timeout_s = 2.5
read_timeout_s = 12
max_retries = 1
""")))
    monkeypatch.delenv("VIVAVOCE_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("VIVAVOCE_LLM_MODEL", raising=False)
    args = argparse.Namespace(end_silence_ms=None, short_answer_silence_ms=None, max_answer_s=None,
                              echo_tail_ms=None, tts=None, voice=None, input_device=None, output_device="mine",
                              llm_base_url=None, llm_model=None, llm_api_key_env=None, llm_timeout_s=None,
                              max_followups=None)
    apply_live_settings(args, config)
    assert (args.end_silence_ms, args.short_answer_silence_ms, args.max_answer_s, args.echo_tail_ms) == \
        (1200, 2500, 90.0, 200)
    assert (args.tts, args.voice, args.input_device, args.output_device) == ("espeak", "en-gb", "3", "mine")
    options = llm_options(args, config)
    assert (options.connect_timeout_s, options.read_timeout_s, options.max_retries) == (2.5, 12.0, 1)
    assert max_followups(args, config) == 2
    args.llm_timeout_s = 40.0                      # the flag wins over the file
    assert llm_options(args, config).read_timeout_s == 40.0


def test_live_defaults_without_a_config():
    args = argparse.Namespace(end_silence_ms=1000, short_answer_silence_ms=None, max_answer_s=None,
                              echo_tail_ms=None, tts=None, voice=None, input_device=None, output_device=None)
    apply_live_settings(args, Settings())
    assert (args.end_silence_ms, args.short_answer_silence_ms, args.max_answer_s, args.tts) == \
        (1000, 3000, 180.0, "pyttsx3")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_a_config_holding_a_key_that_others_can_read_is_refused(tmp_path, mode):
    path = write(tmp_path, '[llm]\nbase_url = "https://example.com/v1"\nmodel = "m"\napi_key = "sk-PLANTED"\n', mode)
    with pytest.raises(VivavoceError) as caught:
        load_config(str(path))
    assert "others can read" in caught.value.one_line() and "chmod 600" in caught.value.one_line()
    assert "sk-PLANTED" not in caught.value.one_line()
    os.chmod(path, 0o600)
    assert load_config(str(path)).get("llm")["api_key"] == "sk-PLANTED"


def test_llm_settings_from_the_current_folder_are_announced_and_choose_no_key(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("VIVAVOCE_CONFIG", "VIVAVOCE_LLM_BASE_URL", "VIVAVOCE_LLM_MODEL", "VIVAVOCE_LLM_API_KEY_ENV"):
        monkeypatch.delenv(name, raising=False)
    write(tmp_path, '[llm]\nbase_url = "https://user:pw@evil.example/v1?token=t"\nmodel = "m"\n'
                    'api_key_env = "OPENAI_API_KEY"\n')
    args = argparse.Namespace(llm_base_url=None, llm_model=None, llm_api_key_env=None, llm_timeout_s=None)
    config = load_config(None)
    assert config.found_by == "folder"
    options = llm_options(args, config)
    err = capsys.readouterr().err
    assert err.startswith("warning: vivavoce.toml: [llm] settings from the current folder")
    assert "https://***@evil.example/v1?***" in err and "pw" not in err and "token" not in err
    assert options.api_key_env == "OPENAI_API_KEY" and options.key_named is False
    # the same file named on the command line is trusted
    config = load_config(str(tmp_path / "vivavoce.toml"))
    assert config.found_by == "flag" and llm_options(args, config).key_named is True
    assert capsys.readouterr().err == ""

