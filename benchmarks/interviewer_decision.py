"""Time per offline interviewer decision (target <= 20 ms) on short, vague and long answers."""
from __future__ import annotations

import statistics
import time

from interview.offline_interviewer import OfflineInterviewer
from interview.plan import Plan, Question
from interview.records import Turn
from nlp.assessment import Assessment
from voice.transcript import Transcript

QUESTION = Question(id="ML_Q1", text="Explain the bias-variance tradeoff.", rubric=("bias", "variance"))
PLAN = Plan(role="ML Engineer", questions=(QUESTION, Question(id="DE_Q1", text="A pipeline you built?")))
ANSWERS = {"short": "Not sure.", "vague": "I think it is about balancing things in general " * 5,
           "long": "At Nokia I deployed XGBoost models with SageMaker and cut error by 12 percent. " * 40}


def main() -> None:
    interviewer = OfflineInterviewer()
    for name, text in ANSWERS.items():
        turns = [Turn(question=QUESTION, transcript=Transcript(text=text),
                      assessment=Assessment(relevance=60, score=3, quality=0.5, justification=""))]
        samples = []
        for _ in range(500):
            start = time.perf_counter()
            interviewer.next_question(PLAN, turns)
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        print(f"{name:5s} {len(text.split()):4d} words: median {statistics.median(samples):.3f} ms, "
              f"p99 {samples[int(len(samples) * 0.99)]:.3f} ms")


if __name__ == "__main__":
    main()
