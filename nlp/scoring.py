"""The offline scorer: relevance 0-100 and a 1-5 score per answer, from evidence a reader can check.

It scores (question text, rubric, answer), given the interviewer's words for the overlap check, and
knows nothing of plans or sessions (interview/offline_scoring.py adapts it to the Scorer seam).

What it credits is what the answer says, not how much of it there is:
- What is left out first (nlp/passages.py): sentences addressed to the evaluator (nlp/injection.py), and
  every run of four or more words that repeats what the interviewer said (the question, a follow-up).
- rubric coverage (most of the score): each rubric point, and each of its alternatives ("X or Y",
  "such as Z"), gets a degree 0..1 from the best passage of the answer: its meaning (MiniLM cosine of
  the passage and the point), its words (shared stems, after the words the interviewer already said),
  and a BERTScore-style alignment of the point's word pieces with the passage's. A passage that is a
  bare list of keywords earns a fraction of that: naming a thing is not explaining it. The quote
  shown for a covered point is the passage that matched it.
- behavioural questions ("Tell me about a time ...") are also judged on situation, action, result
  and learning (STAR cues in nlp/text_features.py). MiniLM's cosine with an abstract behavioural
  question does not tell whether a story is on topic (a specific, strong story scores lower than a
  vague one that repeats the question's words), so a story's shape counts wherever it is told and
  relevance damps a behavioural answer less.
- specificity: figures and named tools, counted only in passages about the question (a name, a day
  or a city is not a tool), and reasoning ("because", "instead of", "the trade-off"): small weights,
  saturating at two of each, so a concise answer can earn them in full.
- relevance: cosine of the answer (and its best passages) with the question and rubric; an answer
  about something else keeps little of what it earned.
- hedging ("I'm not sure", "maybe") per sentence and "I don't know" lower the score.
Length never enters by itself: no term grows with the word count.
quality 0..1; score = 1 + 4 x quality, rounded. Flags: `struggled`, `injection_attempt`.
The weights were chosen on the tuning roles of tests/data/graded/matched and frozen before the
held-out role was written (benchmarks/scorer_ranking.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from nlp.assessment import Assessment
from nlp.embedding import TextEmbedder, TokenVectors, load_embedder
from nlp.passages import CleanAnswer, alternatives, clean_answer, passages_of
from nlp.text_features import (BEHAVIOURAL_QUESTION, REASON_MARKERS, STAR_CUES, TextEvidence, answer_evidence,
                               concept_words, content_words, count_phrases, function_word_share, is_jargon,
                               star_part_of, star_parts, stem)


@dataclass(frozen=True)
class ScoringWeights:
    coverage: float = 0.80
    specificity: float = 0.10
    reasoning: float = 0.10
    hedge_penalty: float = 0.25
    star_share: float = 0.4             # behavioural questions: share of coverage that is STAR shape
    relevance_floor: float = 0.05       # cosine at relevance 0
    relevance_ceiling: float = 0.55     # cosine at relevance 100
    cosine_low: float = 0.40            # passage-point cosine where a point starts to count
    cosine_high: float = 0.62           # ... and where it counts in full
    words_low: float = 0.25             # share of the point's stems found in one passage
    words_high: float = 0.75
    align_low: float = 0.35             # BERTScore recall of the point's pieces in one passage
    align_high: float = 0.65
    star_point: float = 0.75            # a behavioural rubric point whose STAR part the answer tells
    list_share: float = 0.15            # below this share of function words a passage reads as a list
    list_credit: float = 0.20           # what a bare list keeps of a point's degree
    echo_ngram: int = 4                 # a run this long repeated from the interviewer earns nothing
    passage_relevance: float = 0.18     # cosine of a passage with the question for its figures and tools to count
    tool_relevance: float = 0.25        # cosine of a plain capitalised word with the question to count as a tool
    relevance_full: float = 0.50        # relevance from which an answer keeps all it earned ...
    off_topic_keeps: float = 0.15       # ... and what an answer at relevance 0 keeps
    story_keeps: float = 0.60           # the same for a behavioural answer (see the module docstring)


@dataclass(frozen=True)
class PointMatch:
    """How one rubric point was covered: its degree 0..1 and the passage that matched it."""

    point: str
    degree: float
    passage: str


def _ramp(value: float, low: float, high: float) -> float:
    return float(min(1.0, max(0.0, (value - low) / (high - low))))


def _content_pieces(point: TokenVectors, point_text: str, heard: set[str]) -> np.ndarray:
    """The point's word pieces that carry meaning and that the interviewer did not say."""
    keep = [k for k, (a, b) in enumerate(point.spans)
            if _word_at(point_text, a, b) not in heard and (content_words(point_text[a:b]) or
                                                            (b - a > 2 and point_text[a:b].lower() not in _STOP_PIECES))]
    return point.vectors[keep]


def _alignments(pieces: np.ndarray, passages: list[TokenVectors]) -> np.ndarray:
    """BERTScore recall of the point in each passage: for each of the point's pieces, its best match among the
    passage's pieces, averaged."""
    out = np.zeros(len(passages))
    sizes = [len(p.vectors) for p in passages]
    if not len(pieces) or not sum(sizes):
        return out
    sims = pieces @ np.concatenate([p.vectors for p in passages if len(p.vectors)]).T
    starts = np.cumsum([0] + [n for n in sizes if n])[:-1]
    best = np.maximum.reduceat(sims, starts, axis=1).mean(axis=0)
    out[[i for i, n in enumerate(sizes) if n]] = best
    return out


def _word_at(text: str, a: int, b: int) -> str:
    """The stem of the whole word a word piece belongs to."""
    while a > 0 and text[a - 1].isalnum():
        a -= 1
    while b < len(text) and text[b].isalnum():
        b += 1
    return stem(text[a:b])


_STOP_PIECES = {"the", "and", "for", "with", "such", "or", "a", "an", "of", "to", "in", "on"}


@dataclass
class _Scored:
    """Working state of one assessment; becomes an Assessment at the end."""

    clean: CleanAnswer
    evidence: TextEvidence
    relevance01: float
    matches: list[PointMatch] = field(default_factory=list)
    star: dict[str, str] = field(default_factory=dict)
    behavioural: bool = False
    figures: tuple[str, ...] = ()             # figures and tools in passages about the question
    tools: tuple[str, ...] = ()


class OfflineScorer:
    """Scores answers without any LLM: MiniLM similarities plus text evidence."""

    def __init__(self, embedder: TextEmbedder | None = None, weights: ScoringWeights = ScoringWeights()):
        self._embedder = embedder
        self.weights = weights

    @property
    def embedder(self) -> TextEmbedder:
        if self._embedder is None:
            self._embedder = load_embedder()
        return self._embedder

    def score(self, question: str, rubric: Sequence[str], answer: str, interviewer_words: str = "") -> Assessment:
        """Assess `answer` to `question`. `interviewer_words`: all the interviewer said before this answer
        (the question, any follow-up); repeating it earns nothing. Defaults to the question itself."""
        w = self.weights
        heard = " ".join(x for x in (question, interviewer_words) if x)
        clean = clean_answer(answer, heard, w.echo_ngram)
        scored_text = clean.text
        evidence = answer_evidence(scored_text)
        rubric = [p for p in rubric if p.strip()]
        windows = passages_of(list(clean.passages))
        prompt = question + (" " + " ".join(rubric) if rubric else "")
        point_alts = [alternatives(p) for p in rubric]
        flat_alts = [a for alts in point_alts for a in alts]
        token_embed = getattr(self.embedder, "embed_tokens", None)
        tokens = token_embed([*windows, *flat_alts]) if token_embed and rubric and windows else None
        # one pass: the token pass above leaves the passages' sentence vectors in the embedder's cache
        vectors = self.embedder.embed([scored_text or " ", question, prompt, *windows, *flat_alts])
        answer_v, question_v, prompt_v = vectors[0], vectors[1], vectors[2]
        window_v = vectors[3:3 + len(windows)]
        alt_v = vectors[3 + len(windows):]

        relevance01 = 0.0
        if windows:
            whole = max(float(answer_v @ question_v), float(answer_v @ prompt_v))
            top = np.sort(window_v @ prompt_v)[-3:]   # long answers dilute one embedding: credit the best passages
            relevance01 = _ramp(max(whole, float(np.mean(top))), w.relevance_floor, w.relevance_ceiling)
        state = _Scored(clean, evidence, relevance01)
        state.behavioural = bool(BEHAVIOURAL_QUESTION.search(question))
        if rubric and windows:
            state.matches = self._cover(rubric, point_alts, alt_v, windows, window_v, heard, tokens)
        elif rubric:
            state.matches = [PointMatch(p, 0.0, "") for p in rubric]
        if state.behavioural:
            # a sentence that drops a list of names is not a part of the story (passages_of keeps it apart)
            state.star = star_parts(" ".join(x for x in windows if x in clean.passages))
            state.matches = [self._told(m, state.star) for m in state.matches]
        coverage = self._coverage(state)
        specificity, state.figures, state.tools = self._specificity(windows, window_v, question_v, prompt, evidence)
        reasoning = min(1.0, (count_phrases(scored_text, REASON_MARKERS)
                              + bool(STAR_CUES["learning"].search(scored_text))) / 3)
        hedging = min(1.0, evidence.hedge_rate + (0.5 if evidence.dont_know else 0.0))
        quality = w.coverage * coverage + w.specificity * specificity + w.reasoning * reasoning
        # an answer about something else is not rescued by its detail
        keeps = w.story_keeps if state.behavioural else w.off_topic_keeps
        quality *= keeps + (1 - keeps) * min(1.0, relevance01 / w.relevance_full)
        quality = float(min(1.0, max(0.0, quality - w.hedge_penalty * hedging)))
        score = int(min(5, max(1, 1 + int(quality * 4 + 0.5))))
        struggled = (evidence.word_count < 8 or (evidence.dont_know > 0 and (coverage < 0.34 or evidence.word_count < 40))
                     or evidence.hedge_rate > 0.6)
        flags = tuple(f for f, on in (("struggled", struggled), ("injection_attempt", bool(clean.addressed))) if on)
        covered = [m for m in state.matches if m.degree >= 0.5]
        missed = [m.point for m in state.matches if m.degree < 0.5]
        quotes = list(dict.fromkeys(m.passage for m in covered if m.passage and m.passage in answer))
        return Assessment(
            relevance=int(round(relevance01 * 100)),
            score=score,
            quality=round(quality, 4),
            justification=_justification(state, covered, missed),
            covered=tuple(m.point for m in covered), missed=tuple(missed),
            strengths=tuple(_strengths(state, covered)),
            weaknesses=tuple(_weaknesses(state, missed)),
            tips=tuple(_tips(state, missed)),
            quotes=tuple(quotes[:3]),
            flags=flags,
            source="offline",
        )

    def _cover(self, rubric: list[str], point_alts: list[list[str]], alt_v: np.ndarray, windows: list[str],
               window_v: np.ndarray, heard: str, tokens: list[TokenVectors] | None) -> list[PointMatch]:
        w = self.weights
        heard_stems = content_words(heard)
        window_stems = [content_words(x) | concept_words(x) for x in windows]
        listiness = [1.0 if function_word_share(x) >= w.list_share else w.list_credit for x in windows]
        cosines = window_v @ alt_v.T
        matches, k = [], 0
        for point, alts in zip(rubric, point_alts):
            best, best_i = 0.0, -1
            for alt in alts:
                stems = content_words(alt) - heard_stems or content_words(alt)
                aligned_all = (_alignments(_content_pieces(tokens[len(windows) + k], alt, heard_stems),
                                           tokens[:len(windows)]) if tokens else np.zeros(len(windows)))
                for i, x in enumerate(windows):
                    meaning = _ramp(float(cosines[i, k]), w.cosine_low, w.cosine_high)
                    shared = len(stems & window_stems[i])
                    # one shared word is weak evidence, unless it is a long, specific one ("augment") or the
                    # point is one name (FastAPI)
                    sure = 1.0 if (shared >= 2 or any(len(s_) >= 6 for s_ in stems & window_stems[i])
                                   or (len(stems) == 1 and alt.strip()[:1].isupper())) else 0.6
                    lexical = sure * _ramp(shared / max(1, len(stems)), w.words_low, w.words_high)
                    aligned = _ramp(float(aligned_all[i]), w.align_low, w.align_high) if tokens else 0.0
                    # any one kind of evidence can carry a point; two agreeing make it surer
                    ranked = sorted((meaning, lexical, aligned), reverse=True)
                    degree = min(1.0, ranked[0] + 0.5 * ranked[1]) * listiness[i]
                    if degree > best + 1e-9 or (abs(degree - best) < 1e-9 and best_i >= 0
                                                and len(x) < len(windows[best_i])):
                        best, best_i = degree, i
                k += 1
            matches.append(PointMatch(point, round(best, 4), windows[best_i] if best_i >= 0 else ""))
        return matches

    def _told(self, match: PointMatch, star: dict[str, str]) -> PointMatch:
        """A behavioural point ("a constructive outcome") is met by the part of the story that tells it."""
        part = star_part_of(match.point)
        told = self.weights.star_point
        if part in star and match.degree < told:
            return PointMatch(match.point, round(told, 4), star[part])
        return match

    def _coverage(self, state: _Scored) -> float:
        w = self.weights
        rubric_part = (float(np.mean([m.degree for m in state.matches])) if state.matches else state.relevance01)
        if not state.behavioural:
            return rubric_part
        star_part = len(state.star) / len(STAR_CUES)
        return (1 - w.star_share) * rubric_part + w.star_share * star_part

    def _specificity(self, windows: list[str], window_v: np.ndarray, question_v: np.ndarray, prompt: str,
                     evidence: TextEvidence) -> tuple[float, tuple[str, ...], tuple[str, ...]]:
        """Figures and tools in passages about the question (a name, a day or a city in a passage about
        something else is not a tool); an example from experience."""
        if not windows:
            return 0.0, (), ()
        w = self.weights
        on_topic = [x for x, v in zip(windows, window_v) if float(v @ question_v) >= w.passage_relevance]
        text = " ".join(dict.fromkeys(on_topic))
        prompt_lower = prompt.lower()
        figures = [f for f in evidence.figures if f in text]
        named = [t for t in evidence.tools if t in text]
        # a capitalised word is a tool when the question names it, it looks like jargon (XGBoost, S3, AWS),
        # it is a known tool, or it means something close to the question; "Sarah" and "London" are not
        plain = [t for t in named if not (t.lower() in prompt_lower or is_jargon(t) or concept_words(t))]
        close = set()
        if plain:
            close = {t for t, v in zip(plain, self.embedder.embed(plain)) if float(v @ question_v) >= w.tool_relevance}
        tools = [t for t in named if t not in plain or t in close]
        value = min(1.0, 0.25 * min(len(figures), 3) + 0.15 * min(len(tools), 2) + 0.1 * min(evidence.example_markers, 1))
        return value, tuple(figures), tuple(tools)


def _justification(s: _Scored, covered: Sequence[PointMatch], missed: Sequence[str]) -> str:
    parts = []
    total = len(covered) + len(missed)
    if total:
        part = f"covered {len(covered)}/{total} rubric points"
        if covered:
            part += " (" + "; ".join(m.point for m in covered[:3]) + ")"
        if missed:
            part += ", missed: " + "; ".join(missed[:3])
        parts.append(part)
    if s.behavioural:
        shown = [p for p in STAR_CUES if p in s.star]
        parts.append("told as " + (", ".join(shown) if shown else "no situation, action, result or learning"))
    e = s.evidence
    detail = []
    if s.figures:
        detail.append(f"{len(s.figures)} figure{'s' if len(s.figures) > 1 else ''}")
    if s.tools:
        detail.append("named " + ", ".join(s.tools[:4]))
    if e.example_markers:
        detail.append("a concrete example")
    parts.append(", ".join(detail) if detail else "no figures, tools or concrete example")
    if e.dont_know:
        parts.append("said they did not know")
    elif e.hedges:
        parts.append(f"{e.hedges} hedge{'s' if e.hedges > 1 else ''}")
    if s.clean.addressed:
        parts.append(f"{len(s.clean.addressed)} sentence{'s' if len(s.clean.addressed) > 1 else ''} addressed to "
                     "the evaluator, not counted")
    if s.clean.echoed_words:
        parts.append(f"{s.clean.echoed_words} words repeated from the interviewer, not counted")
    if s.relevance01 < 0.35:
        parts.append("mostly off the question")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _strengths(s: _Scored, covered: Sequence[PointMatch]) -> list[str]:
    out = [f"Addressed: {m.point}" for m in covered[:3]]
    if s.behavioural and len(s.star) >= 3:
        out.append("Told it as a real situation: " + ", ".join(p for p in STAR_CUES if p in s.star))
    e = s.evidence
    if s.tools:
        out.append("Named concrete tools: " + ", ".join(s.tools[:5]))
    if s.figures:
        out.append("Backed the answer with figures: " + ", ".join(s.figures[:3]))
    if e.example_markers:
        out.append("Gave a concrete example from experience")
    if s.relevance01 >= 0.7 and not out:
        out.append("Stayed on the question")
    return out


def _weaknesses(s: _Scored, missed: Sequence[str]) -> list[str]:
    out = [f"Did not address: {point}" for point in missed[:3]]
    e = s.evidence
    if s.behavioural:
        absent = [p for p in STAR_CUES if p not in s.star]
        if absent:
            out.append("Did not say the " + ", ".join(absent))
    if not s.figures and not s.tools and not e.example_markers:
        out.append("No specifics: no figures, named tools or concrete example")
    if e.dont_know:
        out.append("Said they did not know")
    elif e.hedge_rate >= 0.34:
        out.append("Hedged much of the answer")
    if s.clean.addressed:
        out.append("Addressed the evaluator instead of the question")
    if s.relevance01 < 0.35:
        out.append("Drifted away from the question")
    return out


def _tips(s: _Scored, missed: Sequence[str]) -> list[str]:
    out = []
    e = s.evidence
    if missed:
        out.append("Cover " + "; ".join(missed[:2]) + ".")
    if not e.example_markers:
        out.append("Walk through one specific project: the situation, what you did, and the result.")
    if not s.figures:
        out.append("Quantify the outcome (scale, latency, accuracy, time saved).")
    if e.hedges:
        out.append("State what you know plainly, and say how you would find out the rest.")
    return out[:3]
