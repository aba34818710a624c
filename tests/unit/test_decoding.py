"""Poorly decoded speech is decoded again, and what stays poor is kept and marked: never dropped."""
from dataclasses import replace
from types import SimpleNamespace

import numpy as np

from tests.fakes import FakeDecoder, FakeWhisperModel
from voice.decoding import Retry, decode_with_retries, whisper_decoder, windows
from voice.stt import build_hotwords

SPEECH_25S = np.zeros(25 * 16000, np.float32)


def words(segments) -> int:
    return sum(len(s.words) for s in segments)


def test_good_speech_is_decoded_once():
    first, retry = FakeDecoder(2.5), FakeDecoder(2.5)
    found = decode_with_retries(SPEECH_25S, first, [(Retry("tiny.en", False), retry)])
    assert len(first.calls) == 1 and retry.calls == []
    assert words(found) == 62 and not any(s.uncertain for s in found)


def test_a_window_whose_words_went_missing_is_decoded_again_and_the_better_result_kept():
    # the prompt derails the first pass (whisper returned 2 words for 25 s of speech); without it, all is there
    first = FakeDecoder(0.1, unprompted_words_per_s=2.5)
    found = decode_with_retries(SPEECH_25S, first, [(Retry("tiny.en", False), first)])
    assert first.calls == [(0.0, 25.0, True), (0.0, 25.0, False)]
    assert words(found) == 62 and not any(s.uncertain for s in found)


def test_the_larger_model_is_tried_only_after_the_cheaper_retry_failed():
    first, larger = FakeDecoder(0.2), FakeDecoder(2.4)
    found = decode_with_retries(SPEECH_25S, first, [(Retry("tiny.en", False), first), (Retry("base", True), larger)])
    assert len(first.calls) == 2 and len(larger.calls) == 1
    assert words(found) == 60


def test_speech_that_stays_poor_keeps_its_best_attempt_marked_uncertain():
    first, other = FakeDecoder(0.2), FakeDecoder(0.6)
    found = decode_with_retries(SPEECH_25S, first, [(Retry("base", True), other)])
    assert words(found) == 15 and found and all(s.uncertain for s in found)


def test_speech_no_attempt_could_put_into_words_stays_as_an_uncertain_stretch():
    found = decode_with_retries(SPEECH_25S, FakeDecoder(0.0), [(Retry("base", True), FakeDecoder(0.0))])
    assert len(found) == 1 and found[0].text == "" and found[0].uncertain
    assert (found[0].start_s, found[0].end_s) == (0.0, 25.0)


def test_a_stretch_only_short_pieces_can_decode_is_decoded_in_halves():
    first = FakeDecoder(2.5, max_clip_s=15.0)
    found = decode_with_retries(SPEECH_25S, first, [(Retry("tiny.en", False), first)])
    halves = [length for _, length, _ in first.calls[-2:]]
    assert max(halves) < 15.0 and abs(sum(halves) - 25.0) < 1e-6
    assert words(found) >= 60 and not any(s.uncertain for s in found)


def test_a_low_log_probability_is_a_poor_decode_even_with_enough_words():
    first, larger = FakeDecoder(2.5, avg_logprob=-1.4), FakeDecoder(2.5, avg_logprob=-0.4)
    found = decode_with_retries(SPEECH_25S, first, [(Retry("base", True), larger)])
    assert len(larger.calls) == 1 and all(s.avg_logprob == -0.4 for s in found)


def test_only_the_poor_window_of_a_long_answer_is_decoded_again():
    first = FakeDecoder(2.5)
    speech = np.zeros(70 * 16000, np.float32)

    def flaky(samples, offset_s, with_prompt):   # the middle window comes back empty
        attempts = first(samples, offset_s, with_prompt)
        return [a if not (len(samples) > 60 * 16000 and a.start_s == 30.0) else
                type(a)(a.start_s, a.end_s, ()) for a in attempts]

    retry = FakeDecoder(2.5)
    found = decode_with_retries(speech, flaky, [(Retry("base", True), retry)])
    assert retry.calls == [(30.0, 30.0, True)]
    assert words(found) == 175 and [s.start_s for s in found] == sorted(s.start_s for s in found)


def test_segments_are_grouped_into_the_whisper_windows_they_came_from():
    def seg(seek, start, end, text):
        return SimpleNamespace(seek=seek, start=start, end=end, text=text, avg_logprob=-0.2, compression_ratio=1.2,
                               no_speech_prob=0.1, words=[SimpleNamespace(word=f" {t}", start=start, end=end,
                                                                          probability=0.8) for t in text.split()])

    found = windows([seg(0, 12.0, 20.0, "late start"), seg(2092, 20.9, 25.0, "a b c d e f g h i j"),
                    seg(2092, 25.0, 29.0, "k l m n o")],
                    offset_s=5.0, length_s=31.0)
    assert [(a.start_s, a.end_s, a.word_count) for a in found] == [(5.0, 25.92, 2), (25.92, 36.0, 15)]
    assert found[0].problems == ("few words",) and found[1].good
    assert found[0].segments[0].words[0].text == "late" and found[0].segments[0].start_s == 17.0


def test_a_retry_that_loops_is_not_taken_for_better_coverage():
    first = FakeDecoder(0.4)

    def looping(samples, offset_s, with_prompt):   # "see you next time" two hundred times
        return [type(a)(a.start_s, a.end_s, tuple(replace(s, compression_ratio=9.0) for s in a.segments))
                for a in FakeDecoder(8.0)(samples, offset_s, with_prompt)]

    found = decode_with_retries(SPEECH_25S, first, [(Retry("base", False), looping)])
    assert words(found) == 10 and all(s.compression_ratio == 1.5 and s.uncertain for s in found)


def test_whispers_invention_in_the_padding_after_the_last_word_is_left_out():
    def seg(seek, start, end, text, no_speech_prob):
        return SimpleNamespace(seek=seek, start=start, end=end, text=text, avg_logprob=-1.3, compression_ratio=1.0,
                               no_speech_prob=no_speech_prob,
                               words=[SimpleNamespace(word=f" {t}", start=start, end=end, probability=0.3)
                                      for t in text.split()])

    answer = seg(0, 0.0, 9.6, " ".join(["word"] * 22), 0.02)
    found = windows([answer, seg(960, 9.6, 9.82, "Thank you very much.", 0.8)], offset_s=0.0, length_s=9.84)
    assert [a.word_count for a in found] == [22, 0]
    kept = windows([answer, seg(960, 9.6, 9.82, "Yes.", 0.2)], offset_s=0.0, length_s=9.84)
    assert [a.word_count for a in kept] == [22, 1]


def test_the_plan_vocabulary_as_hotwords_reaches_every_window_and_a_retry_without_prompt_drops_it():
    # whisper shows its initial prompt to the first 30 s window only; hotwords go with every window
    model = FakeWhisperModel()
    decode = whisper_decoder(model, beam_size=5, language="en", prompt="Um, uh.", hotwords=build_hotwords(["dbt"]),
                             patience=2.0)
    decode(SPEECH_25S, 0.0, True)
    decode(SPEECH_25S, 0.0, False)
    prompted, unprompted = model.calls
    assert (prompted["initial_prompt"], prompted["hotwords"]) == ("Um, uh.", "dbt")
    assert (unprompted["initial_prompt"], unprompted["hotwords"]) == (None, None)
    # beam search at temperature 0 only, whatever the options: the same audio gives the same words
    assert all(c["temperature"] == 0.0 and c["patience"] == 2.0 and c["beam_size"] == 5 for c in model.calls)


def test_no_vocabulary_gives_no_hotwords():
    assert build_hotwords([]) is None


def test_a_window_that_jumps_over_speech_is_decoded_again_in_halves():
    # whisper base went from 18 s to the next window at 30 s with nothing between (30 words lost), while the
    # words around the gap kept the window above one word a second
    def jumping(samples, offset_s, with_prompt):
        attempts = FakeDecoder(2.5)(samples, offset_s, with_prompt)
        if len(samples) < 20 * 16000:     # a half is decoded whole
            return attempts
        return [replace(a, segments=tuple(replace(s, words=tuple(w for w in s.words if not 8.0 <= w.start_s < 20.0))
                                          for s in a.segments)) for a in attempts]

    found = decode_with_retries(SPEECH_25S, jumping, [(Retry("base", False), jumping)])
    spoken = sorted(w.start_s for s in found for w in s.words)
    assert max(b - a for a, b in zip(spoken, spoken[1:])) < 1.0 and not any(s.uncertain for s in found)


def test_a_word_said_over_and_over_is_a_repetition_loop_however_short():
    from voice.decoding import Attempt, RawSegment

    def attempt(text: str) -> Attempt:
        return Attempt(0.0, 5.0, (RawSegment(0.0, 5.0, text, -0.5, 1.3, 0.1, ()),))

    looping = attempt("I feel like I've been hyped, hyped, hyped, hyped, hyped, hyped, hyped.")
    assert looping.problems == ("repetition",)
    assert attempt("No, no, no, that was not the plan; we had tested the backup every week.").good
