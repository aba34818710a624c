"""`interview plan`: offline plans from a job description's skills, a resume project question,
the LLM version validated the same way, and clean errors on bad input."""
from __future__ import annotations

import json

from interview.llm import LLMFallbacks
from interview.plan import load_plan
from interview.plan_generation import llm_plan, offline_plan, resume_project, write_plan
from tests.fakes_llm import FakeChat, failing_chat

JD = """# Machine Learning Engineer
Company: AI Innovations

We build end-to-end machine learning systems. You will develop and deploy ML models (XGBoost,
PyTorch), build scalable data pipelines with Spark and Airflow, and do feature engineering.
You will own monitoring for data drift and model metrics, and collaborate with cross-functional
teams and stakeholders.
"""
RESUME = """# Jane Doe
Machine Learning Engineer, Nokia (2021-2024)

## Projects
- **ChurnGuard**: churn prediction service with XGBoost and FastAPI, cut churn 8%.
- Recipe recommender: a hobby app.
"""


def test_offline_plan_picks_competencies_from_the_job_description():
    plan = offline_plan(JD, questions=6)
    ids = [q.id for q in plan.questions]
    assert len(ids) == 6 and len(set(ids)) == 6
    prefixes = {i.split("_Q")[0] for i in ids}
    assert {"ML", "DE", "MONITOR", "COLLAB"} <= prefixes and "STATS" not in prefixes
    assert all(q.rubric and q.kind == "planned" for q in plan.questions)
    assert (plan.role, plan.company) == ("Machine Learning Engineer", "AI Innovations")


def test_resume_project_question():
    assert resume_project(RESUME) == "ChurnGuard"
    assert resume_project("Built things.\nProject: StreamLens, a Kafka monitor") == "StreamLens"
    plan = offline_plan(JD, RESUME, questions=5)
    project = [q for q in plan.questions if q.id == "PROJ_Q1"]
    assert len(project) == 1 and "ChurnGuard" in project[0].text and len(plan.questions) == 5
    assert plan.candidate == "Jane Doe"


def test_job_description_without_known_skills_still_gets_a_plan():
    plan = offline_plan("# Gardener\nLooks after plants.", questions=2)
    assert [q.id for q in plan.questions] == ["COLLAB_Q1", "PROB_Q1"]


def test_written_plan_loads_through_the_plan_loader(tmp_path):
    written = write_plan(offline_plan(JD, RESUME, questions=7), tmp_path / "plan.yaml")
    loaded = load_plan(tmp_path / "plan.yaml")
    assert [q.id for q in loaded.questions] == [q.id for q in written.questions]
    assert loaded.job_description.startswith("# Machine Learning Engineer") and "ChurnGuard" in loaded.resume


def test_llm_plan_gets_prefixed_ids_and_a_project_question():
    reply = json.dumps({"role": "ML Engineer", "questions": [
        {"competency": "machine learning", "text": "How do you choose a model for tabular data?", "rubric": ["baselines"]},
        {"competency": "Monitoring", "text": "How do you detect drift in production?", "rubric": ["metrics", "alerts"]},
        {"competency": "machine learning", "text": "How do you evaluate a ranking model?", "rubric": ["NDCG"]}]})
    chat = FakeChat(reply)
    plan = llm_plan(chat, JD, RESUME, questions=4)
    assert [q.id for q in plan.questions] == ["PROJ_Q1", "ML_Q1", "MONITOR_Q1", "ML_Q2"]
    assert "<job_description>" in chat.calls[0][1]["content"] and "<resume>" in chat.calls[0][1]["content"]


def test_llm_plan_falls_back_offline_on_failure_or_invalid_plan():
    told = []
    plan = llm_plan(failing_chat(), JD, questions=3, fallbacks=LLMFallbacks(told.append))
    assert len(plan.questions) == 3 and plan.questions[0].id == "ML_Q1" and len(told) == 1
    bad = json.dumps({"questions": [{"competency": "x", "text": "too short", "rubric": []}]})
    assert llm_plan(FakeChat(bad, bad), JD, questions=3).questions[0].id == "ML_Q1"
