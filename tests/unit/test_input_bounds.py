"""Inputs are bounded and inert: replay caps each answer, the judge prompt holds a bounded answer,
`interview transcribe` holds one decoded file at a time, and Markdown reports render no link or image
that a candidate or a model wrote."""
from __future__ import annotations

import dataclasses
import gc
import json
import tracemalloc
import weakref

import numpy as np
import pytest
import soundfile as sf

from interview.cli.transcribe_cmd import transcripts
from interview.judge import MAX_JUDGED_CHARS, LLMJudge
from interview.plan import Plan, Question
from interview.replay import FileAnswers
from reports.build import build_evaluation
from reports.render_md import render_md, render_transcript_md
from tests.fakes import FakeScorer
from tests.fakes_llm import FakeChat
from tests.fakes_reports import assessment, sample_record
from voice.errors import AudioError
from voice.transcript import Transcript

Q = Question("ML_Q1", "Tell me about a model you deployed.")


def test_replay_caps_an_answer_and_decodes_only_what_it_keeps(tmp_path, monkeypatch):
    monkeypatch.setattr("interview.replay.speech_spans", lambda audio, vad: ())   # no VAD model in unit tests
    long = tmp_path / "ML_Q1.wav"
    sf.write(long, np.zeros(16000 * 600, np.int16), 16000, subtype="PCM_16")       # a 10-minute answer
    tracemalloc.start()
    capture = FileAnswers(tmp_path, max_answer_s=30).capture(Q)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert capture.utterance.audio.duration_s == 30.0 and capture.utterance.end_reason == "max_length"
    assert "longer than 30 s" in capture.problem and "--max-answer-s" in capture.problem
    assert peak < 16000 * 4 * 120       # 31 s decoded and 30 s kept (4 MB), never the whole 600 s (38 MB)
    short = tmp_path / "ML_Q2.wav"
    sf.write(short, np.zeros(16000 * 12, np.int16), 16000, subtype="PCM_16")
    capture = FileAnswers(tmp_path, max_answer_s=30).capture(Question("ML_Q2", "x"))
    assert capture.utterance.audio.duration_s == 12.0 and capture.utterance.end_reason == "end_of_input"
    assert capture.problem is None


def test_the_judge_prompt_holds_a_bounded_answer():
    verdict = json.dumps({"relevance": 50, "score": 3, "justification": "ok"})
    chat = FakeChat(verdict)
    huge = "I deployed a model. " * 50_000                               # a million characters
    LLMJudge(chat, FakeScorer()).assess(Q, Transcript(text=huge), Plan(role="x", questions=(Q,)))
    prompt = "".join(m["content"] for m in chat.calls[0])
    assert len(prompt) < MAX_JUDGED_CHARS + 3_000
    assert "characters left out" in prompt and prompt.rstrip().endswith("</answer>")


def test_transcribe_holds_one_decoded_file_at_a_time():
    alive: list[weakref.ref] = []

    class Decoded:
        pass

    def decode(name: str):
        gc.collect()
        assert all(ref() is None for ref in alive), f"{name} decoded while an earlier file was still held"
        if name == "bad.wav":
            raise AudioError("bad.wav: not a readable audio file")
        audio = Decoded()
        alive.append(weakref.ref(audio))
        return audio

    names = ["a.wav", "bad.wav", "missing.wav", "b.wav", "c.wav"]
    problems = {"missing.wav": AudioError("missing.wav: no such file")}
    out = [(name, text if isinstance(text, str) else "error") for name, text in
           transcripts(names, problems, decode, lambda audio: f"words of {id(audio)}")]
    assert [n for n, _ in out] == names and [t for _, t in out][1:3] == ["error", "error"]
    assert len(alive) == 3


LINKS = ["![pixel](https://tracker.example/p.png?c=1)", "[click me](https://phish.example)",
         "[ref][1] and [1]: https://tracker.example/r"]


def test_markdown_reports_render_no_link_or_image_from_candidate_or_model_text():
    from markdown_it import MarkdownIt

    record = sample_record()
    first = record.turns[0]
    planted = " ".join(LINKS)
    judged = assessment(80, 4, 0.7, strengths=(f"clear {LINKS[0]}",), weaknesses=(LINKS[1],), tips=(LINKS[2],),
                        quotes=(planted[:30],), justification=f"model says {planted}")
    turns = (dataclasses.replace(first, transcript=dataclasses.replace(first.transcript, text=planted),
                                 assessment=judged),) + record.turns[1:]
    record = dataclasses.replace(record, turns=turns, reviews=({"type": "review", "reviewer": "[x](http://r.example)",
                                                               "decision": "advance", "note": LINKS[0]},))
    evaluation = build_evaluation(record)
    for markdown in (render_md(evaluation), render_transcript_md(evaluation)):
        html = MarkdownIt("commonmark").render(markdown)
        assert "<img" not in html and "<a " not in html, html[:2000]
        assert "tracker.example/p.png" in html          # the text is still there to read, inert


@pytest.mark.parametrize("text", LINKS)
def test_each_link_form_alone_is_inert(text):
    from markdown_it import MarkdownIt

    from reports.render_md import _inline

    html = MarkdownIt("commonmark").render(f"- {_inline(text)}\n")
    assert "<img" not in html and "<a " not in html, html
