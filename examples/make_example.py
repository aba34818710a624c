"""Regenerate examples/ml-engineer: a plan and five spoken answers synthesised with espeak-ng.

Run: python examples/make_example.py   (needs espeak-ng; writes Ogg, FLAC and WAV files, < 2 MB in all)
The answers are invented and graded by construction: strong, average, weak, strong, average.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

HERE = Path(__file__).resolve().parent
TARGET = HERE / "ml-engineer"

PLAN = """\
role: Entry-level Machine Learning Engineer
company: Example Corp
candidate: Alex Morgan
job_description: jd.md
resume: resume.md
questions:
  - id: ML_Q1
    competency: Machine learning fundamentals
    text: "How do you keep a model from overfitting? Walk me through what you actually do."
    rubric:
      - "regularization such as weight decay or dropout"
      - "a held-out validation set and early stopping"
      - "more data or data augmentation"
      - "cross-validation to estimate generalisation"
  - id: DE_Q1
    competency: Data engineering
    text: "Tell me about a data pipeline you built to prepare training data. How did you make it reliable?"
    rubric:
      - "data validation or quality checks"
      - "re-runnable, idempotent processing"
      - "orchestration or scheduling"
      - "monitoring failures"
  - id: MONITOR_Q1
    competency: Model monitoring
    text: "Once a model is in production, how do you know it is still working well?"
    rubric:
      - "track prediction quality against ground truth when labels arrive"
      - "detect data drift in input features"
      - "alerts and dashboards"
      - "retraining or rollback plan"
  - id: ML_Q2
    competency: Model deployment
    text: "Describe how you deployed a model behind an API. Which tools did you use?"
    rubric:
      - "packaging the model, for example in a Docker container"
      - "a serving API such as FastAPI"
      - "latency or load testing"
      - "versioning of models"
  - id: COLLAB_Q1
    competency: Collaboration
    text: "Tell me about a time you disagreed with a teammate about a technical decision."
    rubric:
      - "explains the disagreement concretely"
      - "listens and uses data to decide"
      - "a constructive outcome"
"""

JD = """\
# Entry-level Machine Learning Engineer, Example Corp
We build recommendation models for online retail. You will train and evaluate models in Python with
PyTorch and scikit-learn, build data pipelines with Airflow and SQL, deploy models with Docker and FastAPI on
AWS, and monitor them in production. You work closely with data scientists and product managers.
"""

RESUME = """\
# Alex Morgan
- MSc Computer Science. Projects: image classifier for recycling sorting (PyTorch, 20k images).
- Internship, ShopData: built a feature pipeline with Airflow and SQL; deployed a churn model with FastAPI and Docker.
- Skills: Python, PyTorch, scikit-learn, XGBoost, Airflow, SQL, Docker, FastAPI, Kubernetes, AWS.
"""

# (question id, file format, espeak-ng arguments, words)
ANSWERS = [
    ("ML_Q1", "ogg", ["-v", "en-us", "-s", "165", "-p", "55"],
     "In my last project I trained an image classifier in PyTorch on about twenty thousand pictures, and it "
     "started to overfit after ten epochs. I added dropout and weight decay, kept a held out validation set "
     "and used early stopping on the validation loss. I also augmented the images with flips and random crops. "
     "Validation accuracy went from eighty one to eighty nine percent."),
    ("DE_Q1", "flac", ["-v", "en-us", "-s", "150", "-p", "40"],
     "During my internship I built a feature pipeline with Airflow and SQL. It ran every night. "
     "I added some checks on the row counts. It mostly worked, sometimes it failed and we reran it by hand."),
    ("MONITOR_Q1", "ogg", ["-v", "en-us", "-s", "130", "-p", "35"],
     "Um, I'm not really sure. I think maybe you look at the accuracy sometimes? I haven't done that part, to be honest."),
    ("ML_Q2", "wav", ["-v", "en-us", "-s", "170", "-p", "60"],
     "I deployed a churn model with FastAPI inside a Docker container. The model file was versioned in S3 "
     "with the training date in its name. Before launch I ran a load test with Locust: about two hundred "
     "requests per second at forty milliseconds median latency."),
    ("COLLAB_Q1", "ogg", ["-v", "en-us", "-s", "160", "-p", "50"],
     "A teammate wanted to use a deep network for a small tabular data set and I preferred gradient boosting. "
     "We agreed to compare both on the same validation split. Boosting was better and faster, so we used it, "
     "and he added the network as a baseline in our report."),
]


def synthesise(text: str, args: list[str], work: Path) -> tuple[np.ndarray, int]:
    wav = work / "speech.wav"
    subprocess.run(["espeak-ng", *args, "-w", str(wav), text], check=True)
    samples, rate = sf.read(wav, dtype="float32")
    return samples, rate


def main() -> int:
    if not shutil.which("espeak-ng"):
        sys.stderr.write("espeak-ng is needed: apt-get install espeak-ng\n")
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for old in TARGET.glob("*"):
        old.unlink()
    (TARGET / "plan.yaml").write_text(PLAN)
    (TARGET / "jd.md").write_text(JD)
    (TARGET / "resume.md").write_text(RESUME)
    with tempfile.TemporaryDirectory() as tmp:
        for qid, fmt, args, text in ANSWERS:
            samples, rate = synthesise(text, args, Path(tmp))
            lead = np.zeros(int(0.6 * rate), np.float32)  # people take a breath before answering
            samples = np.concatenate([lead, samples, lead])
            path = TARGET / f"{qid}.{fmt}"
            if fmt == "ogg":
                sf.write(path, samples, rate, format="OGG", subtype="VORBIS")
            elif fmt == "flac":
                sf.write(path, samples, rate, format="FLAC")
            else:
                sf.write(path, samples, rate, subtype="PCM_16")
    total = sum(p.stat().st_size for p in TARGET.iterdir())
    print(f"wrote {TARGET} ({total / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
