from pathlib import Path

import pytest

from interview.plan import load_plan
from nlp.text_features import distinctive_terms
from voice.errors import PlanError

GOOD = """\
role: Data Engineer
company: Example Corp
job_description: jd.md
questions:
  - id: DE_Q1
    competency: Pipelines
    text: "How do you make a pipeline re-runnable?"
    rubric: ["idempotent writes", "Airflow retries"]
  - id: DE_Q2
    text: "What is a slowly changing dimension?"
"""


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_valid_plan_loads_with_documents(tmp_path):
    write(tmp_path, "We use Airflow and dbt on BigQuery.", "jd.md")
    plan = load_plan(write(tmp_path, GOOD))
    assert plan.role == "Data Engineer"
    assert [q.id for q in plan.questions] == ["DE_Q1", "DE_Q2"]
    assert plan.questions[0].rubric == ("idempotent writes", "Airflow retries")
    assert "BigQuery" in plan.job_description
    assert {"Airflow", "BigQuery"} <= set(plan.vocabulary())


@pytest.mark.parametrize("text, needle", [
    ("role: x\nquestions: [\n", "invalid YAML"),
    ("role: x\n", "missing 'questions'"),
    ("role: x\nquestions:\n  - {id: A, text: a}\n  - {id: A, text: b}\n", "duplicate"),
    ("role: x\nquestions: 5\n", "must be a non-empty list"),
    ("role: x\nquestions:\n  - {id: A, text: [1, 2]}\n", "must be text"),
    ("role: x\nquestions:\n  - {id: A, text: a, rubric: {a: 1}}\n", "rubric"),
    ("role: x\nquestions:\n  - {text: a}\n", "no 'id'"),
    ("- just\n- a list\n", "expected a mapping"),
    ("role: x\nresume: missing.md\nquestions:\n  - {id: A, text: a}\n", "not found"),
    ("role: x\nresume: ../../etc/passwd.md\nquestions:\n  - {id: A, text: a}\n", "outside"),
])
def test_invalid_plans_name_the_file_and_problem(tmp_path, text, needle):
    path = write(tmp_path, text)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert str(path) in caught.value.message
    assert needle in caught.value.message
    assert "\n" not in caught.value.one_line()


def test_unknown_keys_warn_but_load(tmp_path, caplog):
    plan = load_plan(write(tmp_path, "role: x\ncolour: blue\nquestions:\n  - {id: A, text: a, mood: 1}\n"))
    assert plan.questions[0].id == "A"
    assert any("colour" in w for w in plan.warnings) and any("mood" in w for w in plan.warnings)


def test_inline_job_description_is_kept(tmp_path):
    plan = load_plan(write(tmp_path, "role: x\njob_description: We need SQL and Spark.\nquestions:\n  - {id: A, text: a}\n"))
    assert plan.job_description == "We need SQL and Spark."


def test_distinctive_terms_finds_jargon():
    terms = distinctive_terms("We deploy XGBoost models with FastAPI on AWS S3 and use PyTorch.")
    assert {"XGBoost", "FastAPI", "AWS", "S3", "PyTorch"} <= set(terms)
    assert "We" not in terms


def test_a_file_named_on_the_command_line_opens_only_that_file_not_its_folder(tmp_path):
    hr = tmp_path / "hr"
    hr.mkdir()
    (hr / "alex-resume.md").write_text("Alex's resume")
    (hr / "other-candidate-notes.md").write_text("private notes on another candidate")
    plans = tmp_path / "plans"
    plans.mkdir()
    named = (hr / "alex-resume.md",)
    plan = load_plan(write(plans, "role: x\nresume: ../hr/alex-resume.md\nquestions:\n  - {id: A, text: a}\n"),
                     allow_outside=named)
    assert plan.resume == "Alex's resume"
    with pytest.raises(PlanError, match="outside the plan's folder"):
        load_plan(write(plans, "role: x\njob_description: ../hr/other-candidate-notes.md\n"
                               "questions:\n  - {id: A, text: a}\n"), allow_outside=named)


@pytest.mark.parametrize("value, needle", [
    ("../../etc/passwd", "outside the plan's folder"),
    ("/etc/passwd", "outside the plan's folder"),
    ("~/.ssh/id_rsa", "outside the plan's folder"),
    ("notes/passwd", "is not a document"),
    ("./secrets", "is not a document"),
])
def test_a_value_that_looks_like_a_path_is_never_taken_as_inline_text(tmp_path, value, needle):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "passwd").write_text("root:x:0:0")
    (tmp_path / "secrets").write_text("s3cr3t")
    with pytest.raises(PlanError, match=needle):
        load_plan(write(tmp_path, f"role: x\njob_description: {value}\nquestions:\n  - {{id: A, text: a}}\n"))


def test_prose_is_still_inline_text(tmp_path):
    plan = load_plan(write(tmp_path, "role: x\njob_description: We build ML/AI systems in Python.\n"
                                     "resume: Built pipelines/dashboards at Acme\nquestions:\n  - {id: A, text: a}\n"))
    assert plan.job_description == "We build ML/AI systems in Python."
    assert plan.resume == "Built pipelines/dashboards at Acme"
