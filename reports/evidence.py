"""Evidence sections of an evaluation: HR report, job-description and resume alignment, red flags."""
from __future__ import annotations

from interview.records import SessionRecord
from reports.model import Evaluation


def add_evidence_sections(evaluation: Evaluation, record: SessionRecord) -> Evaluation:
    """Return the evaluation with its HR and alignment sections filled from the transcript."""
    return evaluation
