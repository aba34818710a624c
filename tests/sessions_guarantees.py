"""Small replay folders made on the fly with espeak-ng: a plan plus one spoken answer per question."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

ANSWERS = {
    "ML_Q1": ("How do you keep a model from overfitting?",
              "I hold out a validation set and stop training early when the validation loss rises. "
              "I also add weight decay and dropout, and I use cross validation on small data sets."),
    "DE_Q1": ("Tell me about a data pipeline you built.",
              "I built an Airflow pipeline that loads events into a warehouse every night. "
              "Each step validates the data and can be rerun safely, and failures raise an alert."),
    "MON_Q1": ("How do you know a model still works in production?",
               "We compare predictions with labels as they arrive and track drift in the input features. "
               "Dashboards and alerts tell us when to retrain or roll back."),
    "DEP_Q1": ("How did you deploy a model behind an API?",
               "I packaged the model in a Docker container with a FastAPI service. "
               "We load tested it and versioned every model in a registry."),
}


def make_session(folder: Path, answers: dict[str, tuple[str, str]] = ANSWERS, *, candidate: str = "Sam Lee",
                 extra_plan: str = "") -> Path:
    """Write plan.yaml and <id>.wav (espeak-ng) into `folder`; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["role: Machine Learning Engineer", f"candidate: {candidate}", extra_plan, "questions:"]
    for qid, (question, _) in answers.items():
        lines += [f"  - id: {qid}", f"    text: {json.dumps(question)}"]
    (folder / "plan.yaml").write_text("\n".join(lines) + "\n")
    for qid, (_, answer) in answers.items():
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(folder / f"{qid}.wav"), answer], check=True)
    return folder


def raw_lines(journal: Path) -> list[dict]:
    """Every complete JSON line of a journal, duplicates included (read_journal dedups turns)."""
    out = []
    for line in journal.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out
