"""When an answer deserves a follow-up, and what to ask: pure text rules, no model.

An answer is `struggle` when the candidate says they do not know or mostly hedges, `short` when it
has few words, `off_topic` when the scorer found it irrelevant, `vague` when it has no concrete
detail (no number, tool, example or first-person action). The interviewer then asks for a specific
example, or, for a struggle, gives a one-line way into the topic and an easier question, as a human
interviewer eases off (seed 001). The hint never reads the rubric out: a candidate who repeated a
checklist back would only be repeating the interviewer (the scorer gives such repeats nothing).
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Literal

from interview.plan import Question
from interview.records import Turn
from nlp.text_features import dont_know_count, filler_count, hedge_count, star_parts

AnswerNeed = Literal["ok", "no_answer", "struggle", "short", "off_topic", "vague"]


@dataclass(frozen=True)
class FollowupOptions:
    max_followups_per_question: int = 1
    short_answer_words: int = 15
    low_relevance: int = 35
    vague_max_words: int = 60          # longer answers are rarely all vague; let the scorer judge them


def classify_answer(turn: Turn, options: FollowupOptions = FollowupOptions()) -> AnswerNeed:
    """What the last answer needs. Cheap: a few regexes over one transcript."""
    if turn.transcript is None or turn.transcript.is_empty:
        return "no_answer"
    text = turn.transcript.text
    words = text.split()
    hedges = hedge_count(text) + filler_count(text)
    if "struggled" in turn.flags or dont_know_count(text) or (len(words) < 40 and hedges >= max(3, len(words) // 5)):
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
    # a story told with its situation, what was done and how it ended is an example already
    story = len(star_parts(text)) >= 3
    return bool(lowered_hits or jargon or story)


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
    """A way into the topic that teaches how to think about it, not what the rubric checks."""
    topic = topic_of(question)
    if topic == "this":
        return "We can look at it from a simpler angle."
    return (f"{topic[0].upper() + topic[1:]} mostly comes down to three things: what can go wrong, how you "
            f"would notice, and what you would do about it.")


def easier_question(question: Question) -> str:
    """A smaller step than the original question, about its first rubric point."""
    topic = topic_of(question)
    return (f"Have you come across {topic} anywhere, in a course, a project or at work? "
            f"Tell me what you remember about it.")
