"""How much of each rubric point a passage of an answer says: a degree 0..1 per (passage, point).

Three kinds of evidence, any of which can carry a point and two agreeing make it surer: meaning (MiniLM cosine
of the passage and the point or one of its alternatives), words (shared stems, after the words the interviewer
already said; tools count for what they are for, so "Airflow ran it every night" meets "orchestration or
scheduling"), and a BERTScore-style alignment of the point's word pieces with the passage's. A bare list keeps
a fraction of it: naming a thing is not explaining it.

A mention is not an account. A passage counts for a point only when at least two of its words say what the
point's words say (one, when the point has one): the same stem, a tool's purpose, or the passage's word that a
word of the point aligns with, piece by piece. MiniLM puts a sentence that names the topic and says nothing of
it ("Capacity planning is something I care about", "So the question is how I would handle streaming") close to
every point about that topic, often closer than a concrete answer; one of its words at most says what a point
says, so it earns nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from nlp.embedding import TokenVectors
from nlp.text_features import concept_terms, content_words, function_word_share, stem

if TYPE_CHECKING:
    from nlp.scoring import ScoringWeights

_STOP_PIECES = {"the", "and", "for", "with", "such", "or", "a", "an", "of", "to", "in", "on"}


def ramp(value: float, low: float, high: float) -> float:
    return float(min(1.0, max(0.0, (value - low) / (high - low))))


def point_degrees(point_alts: Sequence[Sequence[str]], alt_v: np.ndarray, alt_tokens: Sequence[TokenVectors] | None,
                  passages: Sequence[str], passage_v: np.ndarray, passage_tokens: Sequence[TokenVectors] | None,
                  heard_stems: set[str], w: ScoringWeights) -> np.ndarray:
    """degrees[i, j]: how much passage i says of rubric point j (the best of the point's alternatives).
    `alt_v`, `alt_tokens`: the alternatives of all points in order; `heard_stems`: what the interviewer said."""
    degrees = np.zeros((len(passages), len(point_alts)))
    if not len(passages):
        return degrees
    terms = [_terms(x) for x in passages]
    said = [set().union(*t.values()) for t in terms]
    listiness = [1.0 if function_word_share(x) >= w.list_share else w.list_credit for x in passages]
    cosines = passage_v @ alt_v.T
    k = 0
    for j, alts in enumerate(point_alts):
        for alt in alts:
            stems = content_words(alt) - heard_stems or content_words(alt)
            recall, aligned_words = (_aligned(alt_tokens[k], alt, stems, heard_stems, passages, passage_tokens,
                                              w.support_similarity)
                                     if alt_tokens is not None and passage_tokens is not None
                                     else (np.zeros(len(passages)), [set()] * len(passages)))
            needed = min(w.support_words, (len(stems) + 1) // 2)
            for i in range(len(passages)):
                named = {t for t, meant in terms[i].items() if meant & stems}
                if len(named | aligned_words[i]) < needed:
                    continue
                meaning = ramp(float(cosines[i, k]), w.cosine_low, w.cosine_high)
                shared = stems & said[i]
                # one shared word is weak evidence, unless it is a long, specific one ("augment") or the
                # point is one name (FastAPI)
                sure = 1.0 if (len(shared) >= 2 or any(len(s) >= 6 for s in shared)
                               or (len(stems) == 1 and alt.strip()[:1].isupper())) else 0.6
                lexical = sure * ramp(len(shared) / max(1, len(stems)), w.words_low, w.words_high)
                aligned = ramp(float(recall[i]), w.align_low, w.align_high) if alt_tokens is not None else 0.0
                # any one kind of evidence can carry a point; two agreeing make it surer
                ranked = sorted((meaning, lexical, aligned), reverse=True)
                degrees[i, j] = max(degrees[i, j], min(1.0, ranked[0] + 0.5 * ranked[1]) * listiness[i])
            k += 1
    return degrees


def _terms(passage: str) -> dict[str, set[str]]:
    """The passage's words that can say a point's words: each content word (its stem) and each named tool or
    phrase (what it is for)."""
    terms = {s: {s} for s in content_words(passage)}
    terms.update({"~" + phrase: meant for phrase, meant in concept_terms(passage).items()})
    return terms


def _aligned(point: TokenVectors, point_text: str, stems: set[str], heard: set[str], passages: Sequence[str],
             passage_tokens: Sequence[TokenVectors], similar: float) -> tuple[np.ndarray, list[set[str]]]:
    """For each passage: the BERTScore recall of the point's content pieces (each piece's best match among the
    passage's pieces, averaged), and the passage's words that say one of the point's words (the word's pieces
    match this well on average; the passage's word is the one its best piece matched)."""
    keep = [k for k, (a, b) in enumerate(point.spans)
            if _word_at(point_text, a, b) not in heard and (content_words(point_text[a:b]) or
                                                            (b - a > 2 and point_text[a:b].lower() not in _STOP_PIECES))]
    recall = np.zeros(len(passages))
    words: list[set[str]] = [set() for _ in passages]
    if not keep:
        return recall, words
    pieces = point.vectors[keep]
    word_of = [_word_at(point_text, *point.spans[k]) for k in keep]
    groups = {s: [n for n, x in enumerate(word_of) if x == s] for s in dict.fromkeys(word_of) if s in stems}
    for i, (text, tokens) in enumerate(zip(passages, passage_tokens)):
        if not len(tokens.vectors):
            continue
        sims = pieces @ tokens.vectors.T
        best = sims.max(axis=1)
        recall[i] = float(best.mean())
        for members in groups.values():
            if float(best[members].mean()) >= similar:
                top = members[int(np.argmax(best[members]))]
                a, b = tokens.spans[int(np.argmax(sims[top]))]
                said = _whole_word(text, a, b)
                if content_words(said):
                    words[i].add(stem(said))
    return recall, words


def _whole_word(text: str, a: int, b: int) -> str:
    """The whole word a word piece belongs to."""
    while a > 0 and text[a - 1].isalnum():
        a -= 1
    while b < len(text) and text[b].isalnum():
        b += 1
    return text[a:b]


def _word_at(text: str, a: int, b: int) -> str:
    """The stem of the whole word a word piece belongs to."""
    return stem(_whole_word(text, a, b))
