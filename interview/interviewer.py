"""Who picks the next question: the seam and the plan-order interviewer.

The session loop asks `next_question(plan, turns)` after every turn; None ends the interview.
"""
from __future__ import annotations

from typing import Protocol, Sequence

from interview.plan import Plan, Question
from interview.records import Turn


class Interviewer(Protocol):
    def next_question(self, plan: Plan, turns: Sequence[Turn]) -> Question | None: ...


def settled_next(interviewer: Interviewer, plan: Plan, turns: Sequence[Turn], question: Question) -> Question | None:
    """The question after `question` when its answer cannot change it (no follow-up is possible any
    more), else None. Live mode starts speaking such a question while the answer is still being
    transcribed and scored. An interviewer opts in with `next_if_settled`."""
    ask = getattr(interviewer, "next_if_settled", None)
    return ask(plan, turns, question) if ask is not None else None


def as_asked(question: Question) -> Turn:
    """A stand-in turn for a question whose answer is not known yet: enough to know what was asked."""
    return Turn(question=question, transcript=None, assessment=None)


class PlanOrderInterviewer:
    """Asks the planned questions in order, skipping those already in `turns` (resume)."""

    def next_question(self, plan: Plan, turns: Sequence[Turn]) -> Question | None:
        asked = {t.question.id for t in turns}
        return next((q for q in plan.questions if q.id not in asked), None)

    def next_if_settled(self, plan: Plan, turns: Sequence[Turn], question: Question) -> Question | None:
        return self.next_question(plan, [*turns, as_asked(question)])
