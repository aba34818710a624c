"""Words with their times and confidences: kept in the journal, flagged, shown in report.json and report.html."""
import dataclasses
import json

from interview.journal import Journal, read_journal
from interview.plan import Plan, Question
from interview.records import FLAG_TEXT, turn_from_dict, turn_to_dict
from interview.session import SessionParts, run_session
from interview.offline_scoring import PlanScorer
from nlp.scoring import OfflineScorer
from reports import write_reports
from reports.build import build_evaluation
from reports.render_html import render_html
from tests.fakes import FakeClock, FakeEmbedder, FakeTranscriber, ScriptedAnswers
from tests.fakes_reports import sample_record, spoken
from voice.transcript import (LOW_CONFIDENCE_PROBABILITY, Segment, Transcript, Word, quote_start_s,
                              word_offsets)

ANSWER = "I added dropout and early stopping on the validation loss."


def test_words_survive_the_journal_and_an_old_journal_without_them_still_loads():
    turn = dataclasses.replace(sample_record().turns[0], transcript=spoken(ANSWER, unsure=("dropout",)))
    line = json.loads(json.dumps(turn_to_dict(turn)))
    assert line["transcript"]["segments"][0]["words"][2] == {"text": "dropout", "start_s": 2.0, "end_s": 2.4,
                                                              "probability": 0.2}
    assert turn_from_dict(line).transcript == turn.transcript
    for segment in line["transcript"]["segments"]:
        del segment["words"]
    old = turn_from_dict(line)
    assert old.transcript.text == ANSWER and old.transcript.words == () and not old.transcript.uncertain


def test_a_transcript_is_uncertain_when_a_stretch_stayed_poor_or_many_words_are_unsure():
    assert not spoken(ANSWER, unsure=("dropout", "loss")).uncertain           # 2 of 10
    assert spoken(ANSWER, unsure=("I", "added", "dropout")).uncertain        # 3 of 10
    kept = Transcript(text=ANSWER, segments=(Segment(0.0, 4.0, ANSWER, words=spoken(ANSWER).words),
                                             Segment(4.0, 9.0, "", uncertain=True)))
    assert kept.uncertain and Word("x", 0, 1, LOW_CONFIDENCE_PROBABILITY - 0.01).uncertain


def test_a_quote_is_found_at_the_time_its_first_word_was_spoken():
    transcript = spoken(ANSWER)
    assert quote_start_s(ANSWER, transcript.words, "early stopping on the validation") == 3.0
    assert quote_start_s(ANSWER, transcript.words, "words never said") is None
    offsets = word_offsets(ANSWER, transcript.words)
    assert [ANSWER[a:b] for a, b, _ in offsets][-1] == "loss."


def test_an_uncertain_transcript_flags_its_turn_for_listening(tmp_path):
    plan = Plan(role="ML Engineer", questions=(Question("ML_Q1", "How do you stop overfitting?"),))
    clock = FakeClock()
    parts = SessionParts(answers=ScriptedAnswers({"ML_Q1": "words"}, clock),
                         transcriber=FakeTranscriber(spoken(ANSWER, unsure=("I", "added", "dropout", "early"))),
                         scorer=PlanScorer(OfflineScorer(FakeEmbedder())), clock=clock)
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(plan, {})
        run_session(plan, parts, journal)
    turn = read_journal(tmp_path).record().turns[0]
    assert "transcript_uncertain" in turn.flags and "listen" in FLAG_TEXT["transcript_uncertain"]
    assert sum(w.uncertain for w in turn.transcript.words) == 4


def test_report_json_gives_each_word_its_confidence_and_each_answer_its_recording(tmp_path):
    recording = tmp_path / "answers" / "ML_Q1.wav"
    recording.parent.mkdir()
    recording.write_bytes(b"RIFF")
    record = sample_record()
    first = dataclasses.replace(record.turns[0], audio_path=str(recording), transcript=spoken(ANSWER, unsure=("loss",)))
    record = dataclasses.replace(record, turns=(first,) + record.turns[1:])
    write_reports(record, tmp_path / "report", formats=("json",))
    turns = json.loads((tmp_path / "report" / "report.json").read_text())["turns"]
    assert turns[0]["audio"] == "../answers/ML_Q1.wav"
    assert turns[0]["words"][-1] == {"text": "loss.", "start_s": 5.5, "end_s": 5.9, "probability": 0.2,
                                     "uncertain": True}
    assert turns[1]["audio"] is None          # its recording is not on disk
    assert turns[4]["words"] == [] and turns[4]["audio"] is None


def test_a_report_written_elsewhere_links_the_sessions_own_recording_never_one_in_the_current_folder(
        tmp_path, monkeypatch):
    session, elsewhere = tmp_path / "session", tmp_path / "elsewhere"
    (session / "answers").mkdir(parents=True)
    (session / "answers" / "ML_Q1.wav").write_bytes(b"RIFF")
    (elsewhere / "answers").mkdir(parents=True)
    (elsewhere / "answers" / "ML_Q1.wav").write_bytes(b"RIFF")   # a stranger's file under the same name
    monkeypatch.chdir(elsewhere)
    record = sample_record()
    first = dataclasses.replace(record.turns[0], audio_path="answers/ML_Q1.wav")
    record = dataclasses.replace(record, turns=(first,) + record.turns[1:])
    write_reports(record, tmp_path / "out", formats=("json",), session_dir=session)
    turns = json.loads((tmp_path / "out" / "report.json").read_text())["turns"]
    assert turns[0]["audio"] == "../session/answers/ML_Q1.wav"
    write_reports(record, tmp_path / "bare", formats=("json",))    # no recording beside the report: no link
    assert json.loads((tmp_path / "bare" / "report.json").read_text())["turns"][0]["audio"] is None


def test_html_marks_unsure_words_and_explains_the_mark():
    record = sample_record()
    first = dataclasses.replace(record.turns[0], transcript=spoken(ANSWER, unsure=("dropout",)))
    html = render_html(build_evaluation(dataclasses.replace(record, turns=(first,) + record.turns[1:])))
    assert html.count('<mark class="low" title="confidence 20 %">dropout</mark>') == 2   # transcript and card
    assert 'class="legend"' in html and "less than 50 % confidence" in html
    assert "<audio " not in html and "data-seek=" not in html   # no recording linked: nothing to play
