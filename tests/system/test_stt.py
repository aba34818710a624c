"""Speech to text with the real packaged whisper tiny.en and Silero VAD, on speech espeak-ng makes."""
import numpy as np
import pytest

from voice.audio import AudioChunk, Utterance, decode_file
from voice.stt import build_prompt, resolve_model

pytestmark = pytest.mark.integration


def words_of(text: str) -> set[str]:
    return {w.strip(".,?!").lower() for w in text.split()}


def test_spoken_answer_is_transcribed_with_timestamps(transcriber, speak):
    audio = decode_file(speak("I would use dropout and early stopping on a validation set.", "answer.wav"))
    transcript = transcriber.transcribe(audio)
    assert {"early", "stopping", "validation"} <= words_of(transcript.text)
    assert transcript.segments and all(0 <= s.start_s < s.end_s <= audio.duration_s + 0.5
                                       for s in transcript.segments)
    assert transcript.speech_s > 1.0


@pytest.mark.parametrize("kind", ["silence", "noise"])
def test_ten_seconds_without_speech_give_an_empty_transcript(transcriber, kind):
    rng = np.random.default_rng(7)
    samples = np.zeros(160000, np.float32) if kind == "silence" else (0.05 * rng.standard_normal(160000)).astype(np.float32)
    transcript = transcriber.transcribe(AudioChunk(samples))
    assert transcript.text == "" and transcript.segments == ()


def test_speech_after_a_long_thinking_pause_is_kept(transcriber, speak):
    first = decode_file(speak("First I would profile the query.", "first.wav")).samples
    second = decode_file(speak("Then I would add an index on the customer column.", "second.wav")).samples
    pause = np.zeros(int(6.0 * 16000), np.float32)
    audio = AudioChunk(np.concatenate([first, pause, second]))
    transcript = transcriber.transcribe(Utterance(audio, 0.0, audio.duration_s))
    assert {"profile", "query"} <= words_of(transcript.text)
    assert {"index", "customer", "column"} <= words_of(transcript.text)
    # the silence was cut out before decoding; times are mapped back onto the recording's timeline
    assert transcript.segments[-1].end_s > len(first) / 16000 + 6.0
    assert transcript.speech_s < audio.duration_s - 5.0


def test_interview_vocabulary_helps_with_jargon(transcriber, speak):
    jargon = ["XGBoost", "FastAPI", "PyTorch", "Kubernetes", "SageMaker"]
    audio = decode_file(speak("I trained an XGBoost model, wrapped it in FastAPI, compared it with PyTorch, "
                              "and deployed it on Kubernetes and SageMaker.", "jargon.wav"))
    plain = transcriber.transcribe(audio).text
    biased = transcriber.transcribe(audio, vocabulary=jargon).text
    hits = lambda text: sum(term in text for term in jargon)  # noqa: E731
    assert hits(biased) > hits(plain), (plain, biased)
    assert hits(biased) >= 4, biased


def test_prompt_carries_fillers_and_terms():
    prompt = build_prompt(["dbt", "Airflow"])
    assert prompt.startswith("Um, uh") and "dbt, Airflow" in prompt


def test_a_missing_model_folder_is_a_clean_error(tmp_path):
    from voice.errors import ModelError

    with pytest.raises(ModelError, match="model.bin"):
        resolve_model(str(tmp_path))
