import json

from interview.journal import Journal, read_journal
from interview.plan import Plan, Question
from interview.records import Turn
from nlp.assessment import Assessment
from nlp.emotion import EmotionLevels, EmotionScores, EmotionWindow
from voice.transcript import Segment, Transcript

PLAN = Plan(role="Data Engineer", questions=(Question("A", "Why?"), Question("B", "How?")))


def turn(qid: str, text: str = "an answer") -> Turn:
    return Turn(question=Question(qid, "Why?"), transcript=Transcript(text, (Segment(0.0, 1.5, text, -0.2, 0.01),)),
                assessment=Assessment(relevance=80, score=4, quality=0.7, justification="ok", covered=("x",)),
                emotion=EmotionScores(EmotionLevels(0.5, 0.6, 0.7, 0.8), ("cue",),
                                      (EmotionWindow(0, 10, EmotionLevels(0.1, 0.2, 0.3, 0.4)),)),
                flags=("struggled",), audio_path="A.wav", audio_s=1.5)


def test_round_trip_keeps_every_field(tmp_path):
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(PLAN, {"candidate": "Sam"})
        journal.append_turn(turn("A"))
        journal.append_event("review", reviewer="Kim", decision="advance")
    contents = read_journal(tmp_path)
    record = contents.record()
    assert record.plan.role == "Data Engineer" and record.candidate == "Sam"
    assert record.turns == (turn("A"),)
    assert record.reviews[0]["reviewer"] == "Kim"


def test_journal_is_private(tmp_path):
    path = tmp_path / "s" / "journal.jsonl"
    Journal(path).close()
    assert (path.stat().st_mode & 0o777) == 0o600


def test_torn_last_line_is_ignored_and_healed(tmp_path):
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        journal.write_header(PLAN, {})
        journal.append_turn(turn("A"))
    with open(path, "a") as f:
        f.write(json.dumps({"type": "turn", **{"question": {"id": "B"}}})[:25])  # crash mid-write
    assert [t.question.id for t in read_journal(path).turns] == ["A"]
    with Journal(path) as journal:  # resume appends on a fresh line
        journal.append_turn(turn("B"))
    assert [t.question.id for t in read_journal(path).turns] == ["A", "B"]


def test_a_rewritten_turn_replaces_the_earlier_one(tmp_path):
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(PLAN, {})
        journal.append_turn(turn("A", "first"))
        journal.append_turn(turn("A", "second"))
    record = read_journal(tmp_path).record()
    assert [t.transcript.text for t in record.turns] == ["second"]
