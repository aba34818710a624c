"""When an answer deserves a follow-up, and what to ask: pure text rules, no model.

An answer is `struggle` when the candidate says they do not know or mostly hedges, `short` when it
has few words, `off_topic` when the scorer found it irrelevant, `vague` when it has no concrete
detail (no number, tool, example or first-person action). The interviewer then asks for a specific
example, or, for a struggle, gives a one-line explanation from the rubric and an easier question,
as a human interviewer eases off (seed 001).
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Literal

from interview.plan import Question
from interview.records import Turn

AnswerNeed = Literal["ok", "no_answer", "struggle", "short", "off_topic", "vague"]


@dataclass(frozen=True)
class FollowupOptions:
    max_followups_per_question: int = 1
    short_answer_words: int = 15
    low_relevance: int = 35
    vague_max_words: int = 60          # longer answers are rarely all vague; let the scorer judge them


_STRUGGLE = re.compile(
    r"\b(i\s*(?:do\s*n[o']?t|dont|don't)\s+(?:really\s+)?know|not\s+(?:entirely\s+|really\s+|quite\s+)?sure"
    r"|no\s+idea|can(?:no|')?t\s+(?:think\s+of|remember|recall)|never\s+(?:done|used|worked\s+with)"
    r"|not\s+familiar|haven'?t\s+(?:done|used|worked))", re.IGNORECASE)
_HEDGE = re.compile(r"\b(um+|uh+|hmm+|maybe|i\s+guess|i\s+think|kind\s+of|sort\s+of|like|you\s+know|somehow)\b",
                    re.IGNORECASE)


def classify_answer(turn: Turn, options: FollowupOptions = FollowupOptions()) -> AnswerNeed:
    """What the last answer needs. Cheap: a few regexes over one transcript."""
    if turn.transcript is None or turn.transcript.is_empty:
        return "no_answer"
    text = turn.transcript.text
    words = text.split()
    hedges = len(_HEDGE.findall(text))
    if "struggled" in turn.flags or _STRUGGLE.search(text) or (len(words) < 40 and hedges >= max(3, len(words) // 5)):
        return "struggle"
    if len(words) < options.short_answer_words:
        return "short"
    if turn.assessment is not None and turn.assessment.relevance < options.low_relevance:
        return "off_topic"
    if len(words) <= options.vague_max_words and not _concrete(text):
        return "vague"
    return "ok"


def _concrete(text: str) -> bool:
    lowered_hits = re.search(r"\d|%|\b(for example|for instance|such as|specifically|when i|i (?:built|designed|"
                             r"wrote|led|implemented|deployed|created|measured|reduced|improved|used|set up|"
                             r"migrated|automated|fixed|trained))\b", text.lower())
    jargon = re.search(r"\b[A-Z][a-z]+[A-Z]\w*|\b[A-Z]{2,}\b", text)
    return bool(lowered_hits or jargon)


def topic_of(question: Question) -> str:
    """A short noun phrase for the question's subject: its competency, else its first rubric point.

    Competencies are noun phrases ("model monitoring"); rubric points are often clauses ("explains the
    disagreement concretely") that read badly inside "an example of ...".
    """
    if question.competency:
        return question.competency.rstrip(".").lower()
    if question.rubric:
        return question.rubric[0].rstrip(".").lower()
    return "this"


def followup_text(need: AnswerNeed, question: Question) -> str | None:
    """The follow-up to ask for this need, or None when the answer needs none."""
    topic = topic_of(question)
    pick = zlib.crc32(question.id.encode()) % 2   # stable choice, so replays ask the same thing
    if need == "struggle":
        return f"That's alright. {explanation(question)} {easier_question(question)}"
    if need == "short":
        return ("Could you say a bit more? Walk me through a specific example: what the situation was, "
                "what you did yourself, and how it turned out.")
    if need == "vague":
        return [f"Could you walk me through a specific example of {topic}? What did you do, and what was the result?",
                f"Can you make that concrete? Pick one real case involving {topic}: what you did and what "
                f"changed because of it."][pick]
    if need == "off_topic":
        return f"Let me bring us back to the question. In your own experience, how have you handled {topic}?"
    return None


def explanation(question: Question) -> str:
    """One or two sentences from the rubric: what a good answer would cover."""
    points = [p.rstrip(".") for p in question.rubric[:3]]
    if not points:
        return "We can look at it from a simpler angle."
    if len(points) == 1:
        return f"A good answer here would touch on {points[0].lower()}."
    return f"A good answer here would touch on {', '.join(p.lower() for p in points[:-1])} and {points[-1].lower()}."


def easier_question(question: Question) -> str:
    """A smaller step than the original question, about its first rubric point."""
    topic = topic_of(question)
    return (f"Have you come across {topic} anywhere, in a course, a project or at work? "
            f"Tell me what you remember about it.")
