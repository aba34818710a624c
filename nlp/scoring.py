"""The offline scorer: relevance 0-100 and a 1-5 score per answer, from evidence a reader can check.

It scores (question text, rubric, answer), given the interviewer's words for the overlap check, and
knows nothing of plans or sessions (interview/offline_scoring.py adapts it to the Scorer seam).

What it credits is what the answer says, not how much of it there is:
- What is left out first (nlp/passages.py): sentences addressed to the evaluator (nlp/injection.py), and
  every run of four or more words that repeats what the interviewer said (the question, a follow-up).
- rubric coverage (most of the score): each rubric point, and each of its alternatives ("X or Y",
  "such as Z"), gets a degree 0..1 from the best passage of the answer: its meaning (MiniLM cosine of
  the passage and the point), its words (shared stems, after the words the interviewer already said),
  and a BERTScore-style alignment of the point's word pieces with the passage's (nlp/coverage.py); a
  mention of the topic is not an account of it. A passage that is a bare list of keywords earns a
  fraction of that: naming a thing is not explaining it. The quote shown for a covered point is the
  passage that matched it.
- What counts is what the answer says about the question: its sentences that carry rubric evidence and,
  for a behavioural question, the story about what the question names (nlp/passages.py story_of).
  Chit-chat, a vague claim about the topic, filler or the question said back carries no rubric point,
  so it adds nothing and dilutes nothing (the passages, relevance, specificity and reasoning are taken
  from the rest).
- behavioural questions ("Tell me about a time ...") are also judged on situation, action, result
  and learning (STAR cues in nlp/text_features.py), counted only in the story. MiniLM's cosine with an
  abstract behavioural question does not tell whether a story is on topic (a specific, strong story
  scores lower than a vague one that repeats the question's words), so the story grows from sentences
  that cover a rubric point, name what the question names or are nearer what it asks about than its
  opening words ("Tell me about a time": any short story is near those), through the actors and objects
  they share (not a time, an amount or a verb); relevance damps a behavioural answer less. A point that
  asks for the situation, the result or the lesson is met only by what the story tells.
- specificity: figures and named tools, counted only in passages about the question (a name, a day
  or a city is not a tool), and reasoning ("because", "instead of", "the trade-off", said in what is about
  the question): small weights,
  saturating at two of each, so a concise answer can earn them in full.
- relevance: cosine of the answer (and its best passages) with the question and rubric; an answer
  about something else keeps little of what it earned.
- hedging ("I'm not sure", "maybe"), counted in the whole answer and not divided by its sentences (a
  sentence more would dilute it), and "I don't know" lower the score.
Length never enters by itself: no term grows with the word count.
quality 0..1; score = 1 + 4 x quality, rounded. Flags: `struggled`, `injection_attempt`.
The weights were chosen on the tuning roles of tests/data/graded/matched and frozen before the
held-out role was written (benchmarks/scorer_ranking.py); the padding rule (only what is about the
question counts) came after, against tests/data/padding.yaml's development list; round 3 (what enters a
story, a bare list's credit, relevance's damping) was tuned on four roles and both earlier padding lists.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from nlp.assessment import Assessment
from nlp.coverage import point_degrees, ramp
from nlp.embedding import TextEmbedder, TokenVectors, load_embedder
from nlp.passages import CleanAnswer, alternatives, clean_answer, passages_of, story_of
from nlp.text_features import (BEHAVIOURAL_QUESTION, REASON_MARKERS, STAR_CUES, TextEvidence, answer_evidence,
                               concept_words, content_words, count_phrases, function_word_share, is_jargon,
                               star_part_of, star_parts)


@dataclass(frozen=True)
class ScoringWeights:
    coverage: float = 0.80
    specificity: float = 0.10
    reasoning: float = 0.10
    hedge_penalty: float = 0.25
    hedges_full: int = 4                # hedges that make an answer fully hedged (one a sentence over the graded
                                        # answers' four): a count, so nothing added to an answer dilutes them
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
    list_credit: float = 0.05           # what a bare list keeps of a point's degree
    echo_ngram: int = 4                 # a run this long repeated from the interviewer earns nothing
    passage_relevance: float = 0.18     # cosine of a passage with the question for its figures and tools to count
    story_margin: float = 0.15          # how much nearer a story's sentence must be to a behavioural question than
                                        # to its opening words ("Tell me about a time") to be about it
    tool_relevance: float = 0.25        # cosine of a plain capitalised word with the question to count as a tool
    relevance_full: float = 0.40        # relevance from which an answer keeps all it earned ...
    off_topic_keeps: float = 0.15       # ... and what an answer at relevance 0 keeps
    story_keeps: float = 0.60           # the same for a behavioural answer (see the module docstring)
    support_words: int = 2              # words of a passage that must say words of a point for it to count ...
    support_similarity: float = 0.40    # ... each the same stem, a tool's purpose, or pieces this close (token
                                        # cosine; the same level as cosine_low, where a passage starts to count)


@dataclass(frozen=True)
class PointMatch:
    """How one rubric point was covered: its degree 0..1 and the passage that matched it."""

    point: str
    degree: float
    passage: str


@dataclass
class _Scored:
    """Working state of one assessment; becomes an Assessment at the end."""

    clean: CleanAnswer
    evidence: TextEvidence                    # of what the answer says about the question
    said: TextEvidence                        # of all it says (hedges, "I don't know", words)
    relevance01: float
    hedges_full: int
    matches: list[PointMatch] = field(default_factory=list)
    star: dict[str, str] = field(default_factory=dict)
    behavioural: bool = False
    figures: tuple[str, ...] = ()             # figures and tools in passages about the question
    tools: tuple[str, ...] = ()

    @property
    def hedged(self) -> float:
        """How hedged the answer is, 0..1, from the count of hedges: a sentence more, of anything, dilutes nothing."""
        return min(1.0, self.said.hedges / self.hedges_full)


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
        rubric = [p for p in rubric if p.strip()]
        told = list(dict.fromkeys(clean.passages))
        prompt = question + (" " + " ".join(rubric) if rubric else "")
        point_alts = [alternatives(p) for p in rubric]
        flat_alts = [a for alts in point_alts for a in alts]
        heard_stems = content_words(heard)
        # 1. each sentence on its own, with its clauses and name-dropping lists: the rubric evidence it carries
        own = {s: passages_of([s], size=1) for s in told}
        singles = list(dict.fromkeys(x for s in told for x in own[s]))
        vectors = self.embedder.embed([question, prompt, *flat_alts])
        question_v, prompt_v, alt_v = vectors[0], vectors[1], vectors[2:]
        alt_tokens = self._tokens(flat_alts) if rubric else None
        degrees = self._degrees(point_alts, alt_v, alt_tokens, singles, heard_stems)
        # 2. what the answer says about the question: the sentences that carry rubric evidence and, for a
        # behavioural question, the story about what it names; nothing else adds, so nothing else dilutes
        behavioural = bool(BEHAVIOURAL_QUESTION.search(question))
        on_rubric = [s for s in told if any(degrees[x].max() > 0 for x in own[s])] if rubric else told
        # a story starts only from a sentence that covers a point (a hint of one is no account of the subject),
        # names what the question names, or is near what it asks about; a bare list of keywords tells no story
        covers = [s for s in on_rubric if any(degrees[x].max() >= 0.5 for x in own[s])] if rubric else told
        story = ([s for s in self._story(question, told, covers, question_v, prompt_v)
                  if function_word_share(s) >= w.list_share] if behavioural else [])
        substance = [s for s in told if s in on_rubric or s in story]
        # 3. its passages: a pair only of neighbours that are both about the question (a pair across a
        # sentence left out would join what the answer kept apart)
        windows = list(dict.fromkeys(x for run in _runs(told, substance) for x in passages_of(run)))
        degrees.update(self._degrees(point_alts, alt_v, alt_tokens, [x for x in windows if x not in degrees],
                                     heard_stems))
        substance_text = " ".join(substance)
        window_v = self.embedder.embed(windows) if windows else np.zeros((0, len(question_v)))

        relevance01 = 0.0
        if windows:
            substance_v = self.embedder.embed([substance_text])[0]
            whole = max(float(substance_v @ question_v), float(substance_v @ prompt_v))
            top = np.sort(window_v @ prompt_v)[-3:]   # long answers dilute one embedding: credit the best passages
            relevance01 = ramp(max(whole, float(np.mean(top))), w.relevance_floor, w.relevance_ceiling)
        said = answer_evidence(clean.text)
        state = _Scored(clean, answer_evidence(substance_text), said, relevance01, w.hedges_full)
        state.behavioural = behavioural
        if rubric:
            # a behavioural point that asks for the situation, the result or the lesson is met only by what the
            # story tells: "how I would handle a case like this" is no decision taken
            in_story = [" ".join(run) for run in _runs(told, story)]
            told_windows = [x for x in windows if any(x in run for run in in_story)]
            state.matches = [self._best(point, degrees, told_windows if behavioural and star_part_of(point)
                                        in _TOLD_PARTS else windows, j) for j, point in enumerate(rubric)]
        if behavioural:
            # a sentence that drops a list of names is not a part of the story (passages_of keeps it apart)
            state.star = star_parts([x for x in windows if x in story])
            state.matches = [self._told(m, state.star) for m in state.matches]
        coverage = self._coverage(state)
        specificity, state.figures, state.tools = self._specificity(windows, window_v, question_v, prompt,
                                                                    state.evidence)
        reasoning = min(1.0, (count_phrases(substance_text, REASON_MARKERS)
                              + bool(STAR_CUES["learning"].search(substance_text))) / 3)
        hedging = min(1.0, state.hedged + (0.5 if said.dont_know else 0.0))
        quality = w.coverage * coverage + w.specificity * specificity + w.reasoning * reasoning
        # an answer about something else is not rescued by its detail
        keeps = w.story_keeps if state.behavioural else w.off_topic_keeps
        quality *= keeps + (1 - keeps) * min(1.0, relevance01 / w.relevance_full)
        quality = float(min(1.0, max(0.0, quality - w.hedge_penalty * hedging)))
        score = int(min(5, max(1, 1 + int(quality * 4 + 0.5))))
        struggled = (said.word_count < 8 or (said.dont_know > 0 and (coverage < 0.34 or said.word_count < 40))
                     or state.hedged > 0.6)
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

    def _tokens(self, texts: list[str]) -> list[TokenVectors] | None:
        """Word-piece vectors, where the embedder gives them (the packaged MiniLM does; a fake may not)."""
        token_embed = getattr(self.embedder, "embed_tokens", None)
        return token_embed(texts) if token_embed and texts else None

    def _degrees(self, point_alts: list[list[str]], alt_v: np.ndarray, alt_tokens: list[TokenVectors] | None,
                 passages: list[str], heard_stems: set[str]) -> dict[str, np.ndarray]:
        """Per passage, how much it says of each rubric point."""
        if not passages or not point_alts:
            return {x: np.zeros(len(point_alts)) for x in passages}
        tokens = self._tokens(passages) if alt_tokens is not None else None
        passage_v = self.embedder.embed(passages)   # after the token pass, which caches these vectors too
        found = point_degrees(point_alts, alt_v, alt_tokens, passages, passage_v, tokens, heard_stems, self.weights)
        return dict(zip(passages, found))

    def _story(self, question: str, told: list[str], covers: list[str], question_v: np.ndarray,
               prompt_v: np.ndarray) -> list[str]:
        """The story the answer tells (nlp/passages.py story_of), grown from the sentences about the question:
        those that cover a rubric point, those that name what the question names, and those near what it asks about
        in meaning. Any short story is near "Tell me about a time ..." (rain on the way to work scores 0.20 with
        every behavioural question of the graded roles), so a sentence is near the question only by as much as
        it is nearer to it than to the question's opening words."""
        w = self.weights
        opening = BEHAVIOURAL_QUESTION.search(question)
        topic = content_words(BEHAVIOURAL_QUESTION.sub(" ", question))
        rest = [s for s in told if s not in covers and not content_words(s) & topic]
        near = []
        if rest and opening:
            opening_v, *rest_v = self.embedder.embed([opening.group(0), *rest])
            for s, v in zip(rest, rest_v):
                closeness = max(float(v @ question_v), float(v @ prompt_v))
                if closeness >= w.passage_relevance and closeness - float(v @ opening_v) >= w.story_margin:
                    near.append(s)
        return story_of(told, [s for s in told if s not in rest or s in near])

    @staticmethod
    def _best(point: str, degrees: dict[str, np.ndarray], windows: list[str], j: int) -> PointMatch:
        """The passage that says most of the point (the shortest of equals), and how much."""
        best, best_x = 0.0, ""
        for x in windows:
            degree = float(degrees[x][j])
            if degree > best + 1e-9 or (abs(degree - best) < 1e-9 and best_x and len(x) < len(best_x)):
                best, best_x = degree, x
        return PointMatch(point, round(best, 4), best_x)

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


_TOLD_PARTS = ("situation", "result", "learning")


def _runs(told: list[str], kept: list[str]) -> list[list[str]]:
    """The kept sentences, in runs of neighbours."""
    runs: list[list[str]] = [[]]
    for sentence in told:
        if sentence in kept:
            runs[-1].append(sentence)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


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
    if s.said.dont_know:
        parts.append("said they did not know")
    elif s.said.hedges:
        parts.append(f"{s.said.hedges} hedge{'s' if s.said.hedges > 1 else ''}")
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
    if s.said.dont_know:
        out.append("Said they did not know")
    elif s.hedged >= 0.34:
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
    if s.said.hedges:
        out.append("State what you know plainly, and say how you would find out the rest.")
    return out[:3]
