import json

import pytest

from interview.journal import Journal, read_journal
from interview.plan import Plan, Question
from interview.records import Turn
from nlp.assessment import Assessment
from nlp.emotion import EmotionLevels, EmotionScores, EmotionWindow
from voice.errors import VivavoceError
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


def _journal_with(tmp_path, *extra: str, final_newline: bool = True):
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        journal.write_header(PLAN, {})
        journal.append_turn(turn("A"))
    with open(path, "a") as f:
        f.write("\n".join(extra) + ("\n" if final_newline else ""))
    return path


BAD_TURN = json.dumps({"type": "turn", "question": {"id": "B", "text": "How?"},
                       "assessment": {"relevance": "high", "score": 4, "quality": 0.7, "justification": "ok"}})


@pytest.mark.parametrize("line, needle", [
    (BAD_TURN, "assessment.relevance"),                                    # valid JSON, wrong schema
    (json.dumps({"type": "turn", "flags": []}), "question"),                # a turn without its question
    (json.dumps({"no": "type"}), "no 'type'"),
    (json.dumps([1, 2]), "expected an object"),
    (json.dumps({"type": "review", "decision": "advance"}), "reviewer"),
])
def test_a_line_that_fails_the_schema_is_an_error_naming_it_even_at_the_end(tmp_path, line, needle):
    for extra in ((line,), (line, json.dumps({"type": "note"}))):          # last line, and in the middle
        path = _journal_with(tmp_path, *extra)
        with pytest.raises(VivavoceError) as caught:
            read_journal(path)
        assert f"{path}: line 3 does not match the journal schema" in caught.value.message
        assert needle in caught.value.message
        path.unlink()


def test_only_a_torn_final_line_is_skipped(tmp_path):
    torn = BAD_TURN[:40]
    path = _journal_with(tmp_path, torn, final_newline=False)
    assert [t.question.id for t in read_journal(path).turns] == ["A"]
    path.unlink()
    path = _journal_with(tmp_path, torn, json.dumps({"type": "note"}))   # the same bytes mid-journal
    with pytest.raises(VivavoceError, match="line 3 is not JSON"):
        read_journal(path)


def test_a_report_is_not_written_over_from_a_bad_journal(tmp_path, capsys):
    from interview.cli import main

    path = _journal_with(tmp_path, BAD_TURN)
    (tmp_path / "report.md").write_text("the previous report")
    assert main(["report", str(tmp_path), "--format", "md"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "line 3" in err and err.count("\n") == 1
    assert (tmp_path / "report.md").read_text() == "the previous report"


def test_kept_journals_never_overwrite_each_other(tmp_path):
    from interview.journal import keep_aside

    path = tmp_path / "journal.jsonl"
    kept = []
    for text in ("first", "second", "third"):     # within one second
        path.write_text(text)
        kept.append(keep_aside(path))
    assert len(set(kept)) == 3 and not path.exists()
    assert sorted(p.read_text() for p in kept) == ["first", "second", "third"]
