"""The Scorer seam over the offline scorer: a plan's Question and a Transcript in, an Assessment out.

nlp/scoring.py scores plain text and knows nothing of plans; this adapter says what the question was
and what the interviewer said before the answer (the planned question, and the follow-up's own words),
so repeating any of it earns nothing.
"""
from __future__ import annotations

from interview.plan import Plan, Question
from nlp.assessment import Assessment
from nlp.scoring import OfflineScorer
from voice.transcript import Transcript


def interviewer_words(question: Question, plan: Plan | None) -> str:
    """Everything the interviewer said for this question: the planned question and, for a follow-up, its words."""
    parent = plan.question(question.parent_id) if plan is not None and question.parent_id else None
    return " ".join(q.text for q in (parent, question) if q is not None)


class PlanScorer:
    """Scorer seam: `assess(question, transcript, plan) -> Assessment`, offline."""

    def __init__(self, scorer: OfflineScorer | None = None):
        self.scorer = scorer or OfflineScorer()

    def assess(self, question: Question, transcript: Transcript, plan: Plan | None = None) -> Assessment:
        parent = plan.question(question.parent_id) if plan is not None and question.parent_id else None
        asked = parent.text if parent is not None else question.text   # a follow-up probes its parent's question
        return self.scorer.score(asked, question.rubric, transcript.text, interviewer_words(question, plan))
