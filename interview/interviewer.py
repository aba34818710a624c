"""Who picks the next question: the seam and the plan-order interviewer.

The session loop asks `next_question(plan, turns)` after every turn; None ends the interview.
"""
from __future__ import annotations

from typing import Protocol, Sequence

from interview.plan import Plan, Question
from interview.records import Turn


class Interviewer(Protocol):
    def next_question(self, plan: Plan, turns: Sequence[Turn]) -> Question | None: ...


class PlanOrderInterviewer:
    """Asks the planned questions in order, skipping those already in `turns` (resume)."""

    def next_question(self, plan: Plan, turns: Sequence[Turn]) -> Question | None:
        asked = {t.question.id for t in turns}
        return next((q for q in plan.questions if q.id not in asked), None)
