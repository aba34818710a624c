"""The local emotion classifier: text head + voice cues, per turn and per 10 s window.

Call `classify` once per answered turn, in order, on one instance per session: each turn is
scored against the candidate's baseline so far. After the session, `finalize()` rescores every
turn against the whole session's baseline (early turns otherwise lean on the prior), and
`rescored(turn.emotion)` maps a score returned earlier to its final version. The pure function
`renormalise_session` does the same from stored `TurnEvidence`. Recipes and fusion weights are in
nlp.fusion; the text head in nlp.text_emotion; the voice features in nlp.prosody.

Emotion is advisory: it never changes a score or a recommendation.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from nlp.emotion import EmotionClassifier, EmotionLevels, EmotionScores, EmotionWindow, NoEmotion
from nlp.fusion import Baseline, fuse, phrase_evidence, voice_evidence, voice_scores
from nlp.embedding import TextEmbedder, load_embedder
from nlp.prosody import ProsodyFeatures, Tracks, compute_tracks, extract_prosody, features_from_arrays
from nlp.text_emotion import TextHead, TextReading, load_head, read_texts
from voice.audio import Utterance
from voice.transcript import Transcript

log = logging.getLogger(__name__)
MAX_EVIDENCE = 6


@dataclass(frozen=True)
class EmotionOptions:
    """`enabled` False: every turn gets null; `voice_enabled` False: words only."""

    enabled: bool = True
    voice_enabled: bool = True
    window_s: float = 10.0


@dataclass(frozen=True)
class WindowEvidence:
    start_s: float
    end_s: float
    text: TextReading | None
    voice: ProsodyFeatures | None


@dataclass(frozen=True)
class TurnEvidence:
    """Everything needed to score a turn again against another baseline."""

    text: TextReading
    voice: ProsodyFeatures | None
    windows: tuple[WindowEvidence, ...] = ()


def _scores(text: TextReading, voice: ProsodyFeatures | None, baseline: Baseline
            ) -> tuple[EmotionLevels, list[str]]:
    evidence = phrase_evidence(text.probabilities, text.pieces, text.piece_probabilities)
    if voice is None or not voice.has_voice:
        return fuse(text.probabilities, None), evidence
    z = baseline.z(voice)
    return fuse(text.probabilities, voice_scores(z)), voice_evidence(voice, z, baseline) + evidence


def score_turn(evidence: TurnEvidence, baseline: Baseline) -> EmotionScores:
    """Fused scores of one turn and its windows against `baseline`."""
    levels, cues = _scores(evidence.text, evidence.voice, baseline)
    windows = []
    for w in evidence.windows:
        window_levels, _ = _scores(w.text or evidence.text, w.voice, baseline)
        windows.append(EmotionWindow(start_s=round(w.start_s, 2), end_s=round(w.end_s, 2), levels=window_levels))
    if evidence.voice is None:
        cues.append("words only (no voice channel)")
    return EmotionScores(levels, evidence=tuple(cues[:MAX_EVIDENCE]), windows=tuple(windows))


def renormalise_session(turns: Sequence[TurnEvidence | None]) -> list[EmotionScores | None]:
    """Rescore every turn against the baseline of the whole session (None stays None)."""
    baseline = Baseline.of([t.voice for t in turns if t is not None and t.voice is not None])
    return [None if t is None else score_turn(t, baseline) for t in turns]


def _window_evidence(transcript: Transcript, utterance: Utterance, window_s: float, tracks: Tracks | None
                     ) -> list[tuple[float, float, str, ProsodyFeatures | None]]:
    audio = utterance.audio
    rate = audio.sample_rate_hz
    out = []
    start = 0.0
    while start < audio.duration_s - 1e-6:
        end = min(start + window_s, audio.duration_s)
        if end - start < window_s / 2 and out:  # a short tail joins the previous window
            s0, _, _, _ = out.pop()
            start = s0
        words = " ".join(s.text for s in transcript.segments
                         if start <= (s.start_s + s.end_s) / 2 - audio.start_s < end)
        features = None
        if tracks is not None:
            spans = tuple((max(a, start) - start, min(b, end) - start)
                          for a, b in utterance.speech_spans_s if b > start and a < end)
            features = features_from_arrays(audio.samples[int(start * rate): int(end * rate)], rate,
                                            text=words, words=len(words.split()), spoken_s=None,
                                            speech_spans_s=spans, tracks=tracks.window(start, end))
        out.append((start, end, words, features))
        start = end
    return out


def _combine(readings: Sequence[TextReading]) -> TextReading | None:
    if not readings:
        return None
    words = np.array([r.words for r in readings], dtype=np.float64)
    mean = (np.stack([r.probabilities for r in readings]) * words[:, None]).sum(0) / words.sum()
    return TextReading(mean, tuple(p for r in readings for p in r.pieces),
                       np.concatenate([r.piece_probabilities for r in readings]), int(words.sum()))


class LocalEmotionClassifier:
    """EmotionClassifier over the packaged text head and numpy voice features."""

    def __init__(self, options: EmotionOptions = EmotionOptions(), *, embedder: TextEmbedder | None = None,
                 head: TextHead | None = None):
        self.options = options
        self._embedder = embedder
        self._head = head
        self._turns: list[TurnEvidence | None] = []
        self._returned: list[EmotionScores | None] = []
        self._final: list[EmotionScores | None] | None = None

    @property
    def embedder(self) -> TextEmbedder:
        if self._embedder is None:
            self._embedder = load_embedder()
        return self._embedder

    @property
    def head(self) -> TextHead:
        if self._head is None:
            self._head = load_head()
        return self._head

    def observe(self, transcript: Transcript, utterance: Utterance | None) -> TurnEvidence | None:
        """The turn's evidence, or None for silence (no words)."""
        if transcript is None or transcript.is_empty:
            return None
        voice_on = self.options.voice_enabled and utterance is not None and len(utterance.audio.samples) > 0
        long_answer = utterance is not None and utterance.audio.duration_s > self.options.window_s
        tracks = compute_tracks(utterance.audio.samples, utterance.audio.sample_rate_hz,
                                tuple(utterance.speech_spans_s)) if voice_on else None
        windows = _window_evidence(transcript, utterance, self.options.window_s, tracks) if long_answer else []
        window_readings = read_texts([w[2] for w in windows], self.embedder, self.head) if windows else []
        # the windows' words are the answer's words: embed them once and combine for the whole turn
        whole = _combine([r for r in window_readings if r is not None])
        if whole is None or whole.words < transcript.word_count * 0.8:
            whole = read_texts([transcript.text], self.embedder, self.head)[0]
        voice = extract_prosody(transcript, utterance, tracks) if voice_on else None
        return TurnEvidence(
            text=whole, voice=voice,
            windows=tuple(WindowEvidence(s, e, r, f) for (s, e, _, f), r in zip(windows, window_readings)))

    def classify(self, transcript: Transcript, utterance: Utterance | None) -> EmotionScores | None:
        evidence = self.observe(transcript, utterance)
        self._turns.append(evidence)
        if evidence is None:
            result = None
        else:
            baseline = Baseline.of([t.voice for t in self._turns if t is not None and t.voice is not None])
            result = score_turn(evidence, baseline)
        self._returned.append(result)
        self._final = None
        return result

    @property
    def evidence(self) -> tuple[TurnEvidence | None, ...]:
        return tuple(self._turns)

    def finalize(self) -> list[EmotionScores | None]:
        """Every classified turn rescored against the full session, in classify order."""
        if self._final is None:
            self._final = renormalise_session(self._turns)
        return list(self._final)

    def rescored(self, emotion: EmotionScores | None) -> EmotionScores | None:
        """The final-baseline version of a score this instance returned (unknown ones pass through)."""
        if emotion is None:
            return None
        final = self.finalize()
        for before, after in zip(self._returned, final):
            if before is emotion:
                return after
        return emotion


def build_emotion_classifier(options: EmotionOptions = EmotionOptions(), *,
                             embedder: TextEmbedder | None = None) -> EmotionClassifier:
    """NoEmotion when emotion is off; otherwise the local classifier (models load on first use)."""
    if not options.enabled:
        return NoEmotion()
    return LocalEmotionClassifier(options, embedder=embedder)

