"""What of an answer is scored: the passages left once text addressed to the evaluator and repeats of the
interviewer are taken out, cut into sentences, sentence pairs, clauses and name-dropping lists; and the
alternatives a rubric point offers. Pure text, no model: the scorer embeds what this returns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from nlp.injection import addressed_to_evaluator
from nlp.text_features import content_words, sentences, star_parts, story_links, words


@dataclass(frozen=True)
class CleanAnswer:
    """The answer as scored: the passages that remain after the evaluator-addressed and echoed text."""

    passages: tuple[str, ...]                 # verbatim substrings of the answer
    addressed: tuple[str, ...] = ()           # sentences that instruct the evaluator
    echoed_words: int = 0                     # words repeated from the interviewer
    words: int = 0                            # words left to score

    @property
    def text(self) -> str:
        return " ".join(self.passages)


_CLAUSE = re.compile(r"[,;:]\s+|\s+(?:so|because|which|but|and then|while|then)\s+")
_ALTERNATIVE = re.compile(r",?\s+(?:or|such as|e\.g\.|for example|like|including)\s+|,\s+|\s*\(|\)")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def clean_answer(answer: str, interviewer_words: str = "", echo_ngram: int = 4) -> CleanAnswer:
    """Leave out what earns nothing: sentences addressed to the evaluator and repeats of the interviewer."""
    addressed = addressed_to_evaluator(answer)
    heard = _ngrams(_TOKEN.findall(interviewer_words.lower()), echo_ngram)
    passages: list[str] = []
    echoed = kept_words = 0
    for sentence in sentences(answer):
        if sentence in addressed:
            continue
        for piece, is_echo in _split_echo(sentence, heard, echo_ngram):
            n = len(words(piece))
            if is_echo:
                echoed += n
            elif n:
                passages.append(piece)
                kept_words += n
    return CleanAnswer(tuple(passages), tuple(addressed), echoed, kept_words)


def _ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def _split_echo(sentence: str, heard: set[tuple[str, ...]], n: int) -> list[tuple[str, bool]]:
    """The sentence cut into verbatim pieces, each marked as a repeat of the interviewer or not."""
    if not heard:
        return [(sentence, False)]
    matches = list(_TOKEN.finditer(sentence.lower()))
    tokens = [m.group(0) for m in matches]
    echo = [False] * len(tokens)
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i:i + n]) in heard:
            echo[i:i + n] = [True] * n
    if not any(echo):
        return [(sentence, False)]
    pieces, start = [], 0
    for k in range(1, len(tokens) + 1):
        if k == len(tokens) or echo[k] != echo[start]:
            a = 0 if start == 0 else matches[start].start()
            b = len(sentence) if k == len(tokens) else matches[k].start()
            piece = sentence[a:b].strip(" ,;:-")
            if piece:
                pieces.append((piece, echo[start]))
            start = k
    return pieces


_ITEM = r"[\w.+#/'-]+(?:\s[\w.+#/'-]+){0,2}"
_ENUMERATION = re.compile(rf"{_ITEM}(?:,\s+{_ITEM}){{2,}},?\s+(?:and|or)\s+{_ITEM}|{_ITEM}(?:,\s+{_ITEM}){{4,}}")


def _enumerations(sentence: str) -> list[tuple[int, int]]:
    """Spans of name-dropping lists: five or more items, or four or more mostly named tools."""
    out = []
    for m in _ENUMERATION.finditer(sentence):
        items = [i for i in re.split(r",\s+|\s+(?:and|or)\s+", m.group(0)) if i.strip()]
        named = sum(1 for i in items if i.strip()[:1].isupper() or any(c.isupper() for c in i.strip()[1:]))
        if len(items) >= 5 or (len(items) >= 4 and named >= 3):
            out.append((m.start(), m.end()))
    return out


def passages_of(parts: Sequence[str], size: int = 2) -> list[str]:
    """Sentences, sentence pairs and clauses of long sentences: a rubric point may sit in one clause
    of a dense sentence, or be spread over two sentences, and either dilutes a single embedding.
    A name-dropping list inside a sentence becomes a passage of its own (it reads as a list), and the
    words around it another."""
    pieces, lists = [], []
    for sentence in parts:
        at = 0
        for a, b in _enumerations(sentence):
            before = sentence[at:a].strip(" ,;:")
            if len(before.split()) >= 3:
                pieces.append(before)
            lists.append(sentence[a:b])
            at = b
        rest = sentence[at:].strip(" ,;:.")
        if at == 0:
            pieces.append(sentence)
        elif len(rest.split()) >= 3:
            pieces.append(rest)
    out = list(pieces) + lists
    if len(pieces) > 1:
        out += [" ".join(pieces[i:i + size]) for i in range(len(pieces) - size + 1)]
    for piece in pieces:
        if len(piece.split()) > 14:
            out += [c for c in _CLAUSE.split(piece) if c and len(c.split()) >= 4]
    return list(dict.fromkeys(out))


def alternatives(point: str) -> list[str]:
    """A rubric point and the alternatives it offers: "more data or data augmentation" -> both halves."""
    parts = [p.strip(" .,") for p in _ALTERNATIVE.split(point) if p and len(p.strip(" .,").split()) >= 1]
    parts = [p for p in parts if content_words(p)]
    return list(dict.fromkeys([point] + parts))


def story_of(told: Sequence[str], about: Sequence[str]) -> list[str]:
    """The story a behavioural answer tells, in the answer's order: its narrative sentences (a situation,
    action, result or learning cue) that are about the question (`about`: rubric evidence, what the question
    names, or near what it asks about in meaning), and those that share an actor or an object with a
    sentence already in the story (text_features.story_links: a time, an amount or a verb is no link, so
    "two weeks at the seaside" does not join a story told "the week before" a launch). A sentence about
    something else (lunch, the weather) shares nothing with it and stays out, however much it reads like a
    story; a sentence that tells no event joins none and links none."""
    narrative = [s for s in told if star_parts([s])]
    stems = {s: story_links(s) for s in narrative}
    members = {s for s in narrative if s in set(about)}
    while members:
        known = set().union(*(stems[s] for s in members))
        joined = {s for s in narrative if s not in members and stems[s] & known}
        if not joined:
            break
        members |= joined
    return [s for s in told if s in members]
