"""What the pages show, computed from an Evaluation and its SessionRecord: no HTML here, only values.

The transcript lines and words come from the journal's segments (and their `words` when the transcriber
recorded them); quotes are placed on the answer's timeline so a click can seek the player to them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from interview.records import FLAG_TEXT
from reports.model import RECOMMENDATION_TEXT, Evaluation, TurnEvaluation, no_answer_reason
from voice.transcript import Transcript, Word

GOOD = {"strong_yes", "yes"}
BAD = {"no", "strong_no"}
# for sorting: an unknown recommendation (a newer value) sorts between no and yes
RECOMMENDATION_ORDER = {"strong_no": 0, "no": 1, "insufficient_evidence": 2, "yes": 3, "strong_yes": 4}


@dataclass(frozen=True)
class Line:
    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...]

    @property
    def runs(self) -> tuple[tuple[str, Word | None], ...]:
        """The line's text in order, each word with its Word and the text between words (spaces, a comma
        whisper split off "20,000") with None, so the page shows the words exactly as the line reads."""
        runs: list[tuple[str, Word | None]] = []
        cursor = 0
        for word in self.words:
            found = self.text.find(word.text, cursor)
            if found < 0:
                continue
            if found > cursor:
                runs.append((self.text[cursor:found], None))
            runs.append((word.text, word))
            cursor = found + len(word.text)
        if cursor < len(self.text):
            runs.append((self.text[cursor:], None))
        return tuple(runs)


@dataclass(frozen=True)
class PlacedQuote:
    text: str
    question_id: str
    about: str
    at_s: float | None       # where the quote starts in the answer's recording


@dataclass(frozen=True)
class Answer:
    turn: TurnEvaluation
    lines: tuple[Line, ...]
    quotes: tuple[PlacedQuote, ...]
    has_audio: bool
    missing_reason: str


def recommendation_text(value: str) -> str:
    return RECOMMENDATION_TEXT.get(value, value.replace("_", " ").capitalize())


def flag_text(flag: str) -> str:
    return FLAG_TEXT.get(flag, flag.replace("_", " "))


def recommendation_tone(value: str) -> str:
    return "good" if value in GOOD else "bad" if value in BAD else "neutral"


def answers(ev: Evaluation, record, audio_available: Iterable[str]) -> tuple[Answer, ...]:
    by_id = {t.question.id: t for t in record.turns}
    available = set(audio_available)
    out = []
    for t in ev.turns:
        turn = by_id.get(t.question_id)
        lines = transcript_lines(turn.transcript) if turn is not None and turn.transcript is not None and t.answered else ()
        quotes = tuple(PlacedQuote(q, t.question_id, "", quote_time(t.transcript, q, lines)) for q in t.quotes)
        out.append(Answer(turn=t, lines=lines, quotes=quotes, has_audio=t.question_id in available,
                          missing_reason="" if t.answered else no_answer_reason(t).capitalize() + "."))
    return tuple(out)


def placed_strengths(ev: Evaluation, answers_: tuple[Answer, ...]) -> tuple[PlacedQuote, ...]:
    """The HR report's strengths with their quotes placed on their answers' timelines."""
    if ev.hr is None:
        return ()
    lines = {a.turn.question_id: (a.turn.transcript, a.lines) for a in answers_}
    out = []
    for q in ev.hr.strengths:
        text, answer_lines = lines.get(q.question_id, ("", ()))
        out.append(PlacedQuote(q.text, q.question_id, q.about, quote_time(text, q.text, answer_lines)))
    return tuple(out)


def quote_time(transcript: str, quote: str, lines: tuple[Line, ...]) -> float | None:
    """Where a verbatim quote starts in the recording: its first word's time, else estimated within its line."""
    at = transcript.find(quote)
    if at < 0 or not lines:
        return None
    cursor = 0
    for line in lines:
        found = transcript.find(line.text, cursor)
        if found < 0:
            continue
        end = found + len(line.text)
        if at < end:
            return _word_time(line, transcript, found, at)
        cursor = end
    return lines[-1].start_s


def _word_time(line: Line, transcript: str, line_at: int, quote_at: int) -> float:
    cursor = line_at
    for word in line.words:
        found = transcript.find(word.text, cursor)
        if found < 0:
            continue
        if found + len(word.text) > quote_at:
            return word.start_s
        cursor = found + len(word.text)
    # no word timings: place the quote by its share of the line's characters (speech runs at a steady pace)
    share = (quote_at - line_at) / max(1, len(line.text))
    return round(line.start_s + share * max(0.0, line.end_s - line.start_s), 2)


def transcript_lines(transcript: Transcript) -> tuple[Line, ...]:
    lines = []
    for segment in transcript.segments:
        text = segment.text.strip()
        if text:
            lines.append(Line(start_s=segment.start_s, end_s=segment.end_s, text=text, words=segment.words))
    if not lines and transcript.text.strip():
        lines.append(Line(0.0, 0.0, transcript.text.strip(), ()))
    return tuple(lines)


def clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    m, s = divmod(int(seconds), 60)
    return f"{m}:{s:02d}"
