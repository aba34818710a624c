"""A person's hiring decision on a session, appended to its journal.

`interview review` and the workspace's review form both go through `checked_review` and `record_review`
(then `reports.rewrite_reports`), so a decision is journaled the same way whichever front end took it.
Nothing the system recorded is rewritten.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voice.errors import VivavoceError

DECISIONS = ("advance", "reject", "hold")
MAX_NOTE_CHARS = 2000
MAX_REVIEWER_CHARS = 200


@dataclass(frozen=True)
class Review:
    reviewer: str
    decision: str
    note: str


def checked_review(reviewer: str, decision: str, note: str) -> Review:
    """Whitespace folded, lengths and the decision checked; a mistake is a VivavoceError naming the field."""
    reviewer = " ".join(str(reviewer).split())
    if not reviewer:
        raise VivavoceError("--reviewer is empty", "name the person who made the decision")
    if len(reviewer) > MAX_REVIEWER_CHARS:
        raise VivavoceError(f"--reviewer is {len(reviewer)} characters, over {MAX_REVIEWER_CHARS}")
    if decision not in DECISIONS:
        raise VivavoceError(f"--decision '{decision}' is not one of {', '.join(DECISIONS)}")
    note = " ".join(str(note).split())
    if len(note) > MAX_NOTE_CHARS:
        raise VivavoceError(f"--note is {len(note)} characters, over {MAX_NOTE_CHARS}")
    return Review(reviewer=reviewer, decision=decision, note=note)


def record_review(folder: str | Path, review: Review, at: str) -> None:
    """Append the review to FOLDER's journal (fsynced, like every journal line)."""
    from interview.journal import JOURNAL_NAME, Journal, read_journal

    folder = Path(folder)
    if not (folder / JOURNAL_NAME).is_file():
        raise VivavoceError(f"{folder}: not a session folder (no {JOURNAL_NAME})",
                            "give the folder that 'interview replay' or 'interview live' wrote")
    read_journal(folder)  # a journal without a header is refused before anything is appended
    with Journal(folder / JOURNAL_NAME) as journal:
        journal.append_event("review", reviewer=review.reviewer, decision=review.decision, note=review.note, at=at)
