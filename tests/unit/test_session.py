"""The turn loop on a scripted timeline: milliseconds, no models."""
from interview.journal import Journal, read_journal
from interview.plan import Plan, Question
from interview.session import SessionParts, run_session
from interview.offline_scoring import PlanScorer
from nlp.scoring import OfflineScorer
from tests.fakes import FakeClock, FakeEmbedder, FakeTranscriber, ScriptedAnswers

PLAN = Plan(role="Data Engineer", questions=(
    Question("DE_Q1", "How do you make a pipeline re-runnable?", rubric=("idempotent writes",)),
    Question("DE_Q2", "How do you test data quality?"),
    Question("DE_Q3", "What is a star schema?"),
    Question("DE_Q4", "Why Parquet?"),
))


def parts(script, *texts, clock=None):
    clock = clock or FakeClock()
    return SessionParts(answers=ScriptedAnswers(script, clock), transcriber=FakeTranscriber(*texts),
                        scorer=PlanScorer(OfflineScorer(FakeEmbedder())), clock=clock)


def test_each_kind_of_answer_gets_its_flag(tmp_path):
    script = {"DE_Q1": "words", "DE_Q2": "", "DE_Q3": OSError("DE_Q3.wav: empty file (0 bytes)")}
    problems = []
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(PLAN, {})
        record = run_session(PLAN, parts(script, "I make every write idempotent with merge keys, so a rerun of the pipeline never duplicates rows."), journal,
                             on_problem=problems.append)
    flags = {t.question.id: t.flags for t in record.turns}
    assert flags["DE_Q1"] == ()
    assert flags["DE_Q2"] == ("no_answer",)
    assert flags["DE_Q3"] == ("audio_error",)
    assert flags["DE_Q4"] == ("not_answered",)
    assert problems == ["DE_Q3.wav: empty file (0 bytes)"]
    assert record.turns[0].assessment.score >= 1 and record.turns[1].assessment is None
    assert [t.question.id for t in read_journal(tmp_path).turns] == ["DE_Q1", "DE_Q2", "DE_Q3", "DE_Q4"]


def test_scripted_five_minute_interview_runs_on_a_fake_clock(tmp_path):
    clock = FakeClock()
    script = {q.id: "words" for q in PLAN.questions}
    with Journal(tmp_path / "journal.jsonl") as journal:
        record = run_session(PLAN, parts(script, *["An answer."] * 4, clock=clock), journal)
    assert clock.now_s() == 12.0
    assert [t.started_at_s for t in record.turns] == [0.0, 3.0, 6.0, 9.0]


def test_resume_skips_finished_turns(tmp_path):
    script = {q.id: "words" for q in PLAN.questions}
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(PLAN, {})
        first = run_session(PLAN, parts(script, "One."), journal, max_turns=1)
    done = read_journal(tmp_path).record().turns
    session = parts(script, "Two.", "Three.", "Four.")
    with Journal(tmp_path / "journal.jsonl") as journal:
        record = run_session(PLAN, session, journal, done=done)
    assert session.answers.asked == ["DE_Q2", "DE_Q3", "DE_Q4"]
    assert [t.question.id for t in read_journal(tmp_path).record().turns] == ["DE_Q1", "DE_Q2", "DE_Q3", "DE_Q4"]
    assert first.turns[0] == record.turns[0]


def test_vocabulary_from_the_plan_reaches_the_transcriber(tmp_path):
    plan = Plan(role="ML Engineer", questions=(Question("Q", "How would you serve XGBoost with FastAPI?"),))
    session = parts({"Q": "words"}, "With FastAPI.")
    with Journal(tmp_path / "journal.jsonl") as journal:
        run_session(plan, session, journal)
    assert {"XGBoost", "FastAPI"} <= set(session.transcriber.calls[0][1])
