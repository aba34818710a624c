"""The offline scorer: relevance 0-100 and a 1-5 score per answer, from evidence a reader can check.

Recipe (weights tuned on the graded answer sets in tests/data/graded, ml_engineer and data_engineer;
backend_engineer is held out):
- relevance: cosine between the answer and the question (+ rubric) in MiniLM space, best of the whole
  answer and the mean of its three best passages, mapped linearly from 0.05 -> 0 to 0.55 -> 100.
- rubric coverage: a rubric point is covered when some sentence window is close to it in embedding
  space, or close enough and sharing its content words.
- specificity: figures, named tools and concrete-example phrases.
- depth: length on a log scale, saturating at ~120 words.
- hedging: "I'm not sure", "maybe", "I think"... per sentence lowers the score.
quality = weighted sum in 0..1; score = 1 + 4 * quality rounded (1..5). Flags: `struggled`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from interview.plan import Plan, Question
from nlp.assessment import Assessment
from nlp.embedding import TextEmbedder, load_embedder
from nlp.text_features import TextEvidence, content_words, sentences, text_evidence
from voice.transcript import Transcript


@dataclass(frozen=True)
class ScoringWeights:
    coverage: float = 0.38
    relevance: float = 0.17
    specificity: float = 0.22
    depth: float = 0.23
    hedge_penalty: float = 0.30
    relevance_floor: float = 0.05      # cosine at relevance 0
    relevance_ceiling: float = 0.55    # cosine at relevance 100
    covered_cosine: float = 0.38       # a window this close covers a rubric point on meaning alone
    covered_cosine_with_words: float = 0.26
    covered_word_overlap: float = 0.34


_CLAUSE = re.compile(r"[,;:]\s+|\s+(?:so|because|which|but|and then|while)\s+")


def _windows(parts: list[str], size: int = 2) -> list[str]:
    """Sentences, sentence pairs and clauses of long sentences: a rubric point may sit in one clause
    of a dense sentence, or be spread over two sentences, and either dilutes a single embedding."""
    out = list(parts)
    if len(parts) > 1:
        out += [" ".join(parts[i:i + size]) for i in range(len(parts) - size + 1)]
    for sentence in parts:
        if len(sentence.split()) > 14:
            out += [c for c in _CLAUSE.split(sentence) if len(c.split()) >= 4]
    return list(dict.fromkeys(out))


def _ramp(value: float, low: float, high: float) -> float:
    return float(min(1.0, max(0.0, (value - low) / (high - low))))


class OfflineScorer:
    """Scorer seam without any LLM: MiniLM similarities plus text evidence."""

    def __init__(self, embedder: TextEmbedder | None = None, weights: ScoringWeights = ScoringWeights()):
        self._embedder = embedder
        self.weights = weights

    @property
    def embedder(self) -> TextEmbedder:
        if self._embedder is None:
            self._embedder = load_embedder()
        return self._embedder

    def assess(self, question: Question, transcript: Transcript, plan: Plan | None = None) -> Assessment:
        return self.assess_text(question, transcript.text)

    def assess_text(self, question: Question, answer: str) -> Assessment:
        w = self.weights
        parts = sentences(answer)
        evidence = text_evidence(answer)
        windows = _windows(parts)
        rubric = list(question.rubric)
        prompt = question.text + (" " + " ".join(rubric) if rubric else "")
        vectors = self.embedder.embed([answer, question.text, prompt, *windows, *rubric])
        answer_v, question_v, prompt_v = vectors[0], vectors[1], vectors[2]
        window_v = vectors[3:3 + len(windows)]
        rubric_v = vectors[3 + len(windows):]

        whole = max(float(answer_v @ question_v), float(answer_v @ prompt_v))
        # long answers dilute one embedding: also credit the best few passages
        top = np.sort(window_v @ prompt_v)[-3:] if len(windows) else np.array([whole])
        cosine = max(whole, float(np.mean(top)))
        relevance01 = _ramp(cosine, w.relevance_floor, w.relevance_ceiling)

        covered, missed, quotes = [], [], []
        if rubric:
            sims = window_v @ rubric_v.T if len(windows) else np.zeros((0, len(rubric)))
            answer_words = [content_words(x) for x in windows]
            for j, point in enumerate(rubric):
                point_words = content_words(point)
                best_i, best = (int(np.argmax(sims[:, j])), float(np.max(sims[:, j]))) if len(windows) else (-1, 0.0)
                overlap = max((len(point_words & aw) / max(1, len(point_words)) for aw in answer_words), default=0.0)
                if best >= w.covered_cosine or (best >= w.covered_cosine_with_words and overlap >= w.covered_word_overlap):
                    covered.append(point)
                    quote = windows[best_i] if best_i >= 0 else ""
                    if quote and quote in answer and quote not in quotes:
                        quotes.append(quote)
                else:
                    missed.append(point)
            coverage = len(covered) / len(rubric)
        else:
            coverage = relevance01

        specificity = min(1.0, 0.30 * min(len(evidence.figures), 3) + 0.12 * min(len(evidence.tools), 5)
                          + 0.25 * min(evidence.example_markers, 2))
        depth = _ramp(math.log1p(evidence.word_count), math.log1p(8), math.log1p(120))
        hedging = min(1.0, evidence.hedge_rate) + (0.5 if evidence.dont_know else 0.0)
        quality = (w.coverage * coverage + w.relevance * relevance01 + w.specificity * specificity
                   + w.depth * depth - w.hedge_penalty * min(1.0, hedging))
        # an answer about something else is not rescued by its length or detail
        quality *= 0.15 + 0.85 * min(1.0, relevance01 / 0.5)
        quality = float(min(1.0, max(0.0, quality)))
        score = int(min(5, max(1, 1 + math.floor(quality * 4 + 0.5))))
        struggled = (evidence.word_count < 8 or (evidence.dont_know > 0 and (coverage < 0.34 or evidence.word_count < 40))
                     or evidence.hedge_rate > 0.6)
        flags = ("struggled",) if struggled else ()
        return Assessment(
            relevance=int(round(relevance01 * 100)),
            score=score,
            quality=round(quality, 4),
            justification=_justification(covered, missed, evidence, relevance01, bool(rubric)),
            covered=tuple(covered), missed=tuple(missed),
            strengths=tuple(_strengths(covered, evidence, relevance01)),
            weaknesses=tuple(_weaknesses(missed, evidence, relevance01)),
            tips=tuple(_tips(missed, evidence)),
            quotes=tuple(quotes[:3]),
            flags=flags,
            source="offline",
        )


def _justification(covered: Sequence[str], missed: Sequence[str], e: TextEvidence, relevance01: float,
                   has_rubric: bool) -> str:
    parts = []
    if has_rubric:
        total = len(covered) + len(missed)
        part = f"covered {len(covered)}/{total} rubric points"
        if covered:
            part += " (" + "; ".join(covered[:3]) + ")"
        if missed:
            part += ", missed: " + "; ".join(missed[:3])
        parts.append(part)
    detail = []
    if e.figures:
        detail.append(f"{len(e.figures)} figure{'s' if len(e.figures) > 1 else ''}")
    if e.tools:
        detail.append("named " + ", ".join(e.tools[:4]))
    if e.example_markers:
        detail.append("a concrete example")
    parts.append(", ".join(detail) if detail else "no figures, tools or concrete example")
    parts.append(f"{e.word_count} words")
    if e.dont_know:
        parts.append("said they did not know")
    elif e.hedges:
        parts.append(f"{e.hedges} hedge{'s' if e.hedges > 1 else ''}")
    if relevance01 < 0.35:
        parts.append("mostly off the question")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _strengths(covered: Sequence[str], e: TextEvidence, relevance01: float) -> list[str]:
    out = [f"Addressed: {point}" for point in covered[:3]]
    if e.tools:
        out.append("Named concrete tools: " + ", ".join(e.tools[:5]))
    if e.figures:
        out.append("Backed the answer with figures: " + ", ".join(e.figures[:3]))
    if e.example_markers:
        out.append("Gave a concrete example from experience")
    if relevance01 >= 0.7 and not out:
        out.append("Stayed on the question")
    return out


def _weaknesses(missed: Sequence[str], e: TextEvidence, relevance01: float) -> list[str]:
    out = [f"Did not address: {point}" for point in missed[:3]]
    if not e.figures and not e.tools and not e.example_markers:
        out.append("No specifics: no figures, named tools or concrete example")
    if e.dont_know:
        out.append("Said they did not know")
    elif e.hedge_rate >= 0.34:
        out.append("Hedged much of the answer")
    if e.word_count < 25:
        out.append("Very short answer")
    if relevance01 < 0.35:
        out.append("Drifted away from the question")
    return out


def _tips(missed: Sequence[str], e: TextEvidence) -> list[str]:
    out = []
    if missed:
        out.append("Cover " + "; ".join(missed[:2]) + ".")
    if not e.example_markers:
        out.append("Walk through one specific project: the situation, what you did, and the result.")
    if not e.figures:
        out.append("Quantify the outcome (scale, latency, accuracy, time saved).")
    if e.hedges:
        out.append("State what you know plainly, and say how you would find out the rest.")
    return out[:3]
