"""`run_live` on fakes: the session folder, the journal's order of writes, and resuming what a crash
left (a recorded answer never scored, a journal without its header)."""
from __future__ import annotations

import json
import shutil

from interview.cli.live_view import TerminalView
from interview.journal import read_journal
from interview.live import resume_plan, run_live
from interview.plan import Plan
from tests.fakes_live import CountingTranscriber, FakeLiveMic, RecordingSpeaker, live_session

PLAN_YAML = """role: Data engineer
questions:
  - id: q1
    text: Tell me about a pipeline.
  - id: q2
    text: How do you test SQL?
"""
ANSWER = ((0.5, False), (2.0, True), (1.5, False))


class QuietView(TerminalView):
    def __init__(self) -> None:
        from io import StringIO

        from rich.console import Console

        super().__init__(Console(file=StringIO()))
        self.lines: list[str] = []

    def line(self, text: str) -> None:
        self.lines.append(text)


def plan_in(tmp_path) -> Plan:
    from interview.plan import load_plan

    (tmp_path / "plan.yaml").write_text(PLAN_YAML)
    return load_plan(tmp_path / "plan.yaml")


def entries(session) -> list[dict]:
    return [json.loads(line) for line in (session / "journal.jsonl").read_text().splitlines()]


def test_each_answer_is_journaled_as_recorded_before_it_is_analysed(tmp_path):
    session = tmp_path / "s"
    devices, models, options = live_session(FakeLiveMic(*ANSWER, *ANSWER))
    record = run_live(plan_in(tmp_path), session, devices, options, QuietView(), models=models)
    assert record.meta["end"] == "finished" and [t.question.id for t in record.turns] == ["q1", "q2"]
    kinds = [(e["type"], (e.get("question") or {}).get("id")) for e in entries(session)]
    assert kinds == [("header", None), ("consent", None), ("answer_recorded", "q1"), ("turn", "q1"),
                     ("answer_recorded", "q2"), ("turn", "q2")]
    recorded = entries(session)[2]
    assert recorded["audio_path"] == "q1.wav" and recorded["end_reason"] == "silence"
    assert (session / "plan.yaml").read_text() == PLAN_YAML
    assert not (session / "journal.jsonl.new").exists()
    assert devices.mic.started and devices.mic.closed


def crashed_after_recording(tmp_path):
    """A session folder as a kill -9 leaves it while the answer to q1 is analysed."""
    session = tmp_path / "s"
    devices, models, options = live_session(FakeLiveMic(*ANSWER, *ANSWER))
    run_live(plan_in(tmp_path), session, devices, options, QuietView(), models=models)
    lines = (session / "journal.jsonl").read_text().splitlines()
    (session / "journal.jsonl").write_text("\n".join(lines[:3]) + "\n")      # header, consent, q1 recorded
    (session / "q2.wav").unlink()
    return session


def test_resume_analyses_a_recorded_answer_instead_of_asking_again(tmp_path):
    session = crashed_after_recording(tmp_path)
    wav_before = (session / "q1.wav").read_bytes()
    transcriber = CountingTranscriber()
    speaker = RecordingSpeaker()
    devices, models, options = live_session(FakeLiveMic(*ANSWER), transcriber, speaker)
    view = QuietView()
    record = run_live(resume_plan(session), session, devices, options, view, models=models)
    assert [t.question.id for t in record.turns] == ["q1", "q2"]
    assert record.turns[0].transcript.text == "speech 2.0"            # from the WAV on disk
    assert (session / "q1.wav").read_bytes() == wav_before            # not recorded over
    assert not any("Tell me about a pipeline" in said for said in speaker.said)   # not asked again
    assert any("How do you test SQL?" in said for said in speaker.said)
    assert "analysing the answer to q1 recorded before the interruption" in view.lines
    assert sum(1 for e in entries(session) if e["type"] == "consent") == 1
    assert len(read_journal(session).turns) == 2


def test_a_session_whose_journal_never_got_its_header_resumes_from_its_plan(tmp_path):
    session = tmp_path / "s"
    session.mkdir()
    shutil.copy(plan_in(tmp_path).source, session / "plan.yaml")
    (session / "journal.jsonl").write_text("")                         # killed before the header
    plan = resume_plan(session)
    assert [q.id for q in plan.questions] == ["q1", "q2"]
    devices, models, options = live_session(FakeLiveMic(*ANSWER, *ANSWER))
    record = run_live(plan, session, devices, options, QuietView(), models=models)
    assert [t.question.id for t in record.turns] == ["q1", "q2"]
    assert entries(session)[0]["type"] == "header"


def test_no_consent_leaves_no_folder(tmp_path):
    session = tmp_path / "s"
    devices, models, options = live_session(FakeLiveMic((0.5, False), (0.5, True), (1.5, False)),
                                            CountingTranscriber(lambda n, loud: "No."), consent_given=False)
    record = run_live(plan_in(tmp_path), session, devices, options, QuietView(), models=models)
    assert record.meta["end"] == "no_consent" and not session.exists()
    assert "Nothing has been recorded" in devices.speaker.said[-1]

