"""The default interviewer: plan order, plus follow-ups when an answer is short, vague, off topic
or a struggle, at most `max_followups_per_question` per planned question. No model, no network;
a decision is a few regexes over the last transcript (well under 20 ms)."""
from __future__ import annotations

from typing import Sequence

from interview.followups import AnswerNeed, FollowupOptions, classify_answer, followup_text
from interview.plan import Plan, Question, with_followup
from interview.records import Turn


def root_id(question: Question) -> str:
    return question.parent_id or question.id


def followups_asked(turns: Sequence[Turn], parent_id: str) -> int:
    return sum(1 for t in turns if t.question.kind == "followup" and t.question.parent_id == parent_id)


def next_planned(plan: Plan, turns: Sequence[Turn]) -> Question | None:
    """The first planned question not yet asked (resume skips answered ones)."""
    asked = {t.question.id for t in turns}
    return next((q for q in plan.questions if q.id not in asked), None)


def followup_due(plan: Plan, turns: Sequence[Turn], options: FollowupOptions) -> tuple[Question, AnswerNeed] | None:
    """The planned question whose last answer deserves a follow-up, if any, and why."""
    if not turns:
        return None
    last = turns[-1]
    parent = plan.question(root_id(last.question)) or last.question
    if followups_asked(turns, parent.id) >= options.max_followups_per_question:
        return None
    need = classify_answer(last, options)
    if need in ("ok", "no_answer"):
        return None
    return parent, need


class OfflineInterviewer:
    """Interviewer seam: `next_question(plan, turns)`; None ends the interview."""

    def __init__(self, options: FollowupOptions = FollowupOptions()):
        self.options = options

    def next_question(self, plan: Plan, turns: Sequence[Turn]) -> Question | None:
        due = followup_due(plan, turns, self.options)
        if due is not None:
            parent, need = due
            text = followup_text(need, parent)
            if text:
                index = followups_asked(turns, parent.id) + 1
                return with_followup(Question(id=parent.id, text=text, rubric=parent.rubric), parent, index)
        return next_planned(plan, turns)
