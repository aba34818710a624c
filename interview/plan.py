"""plan.yaml -> Plan: the role, optional job description and resume, and the questions.

Validation errors name the file and the problem on one line; unknown keys only warn so that
plans written for newer versions still run.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from nlp.text_features import distinctive_terms
from voice.errors import PlanError

log = logging.getLogger(__name__)

QuestionKind = Literal["planned", "followup"]
PLAN_KEYS = {"role", "company", "candidate", "job_description", "resume", "questions", "language"}
QUESTION_KEYS = {"id", "competency", "text", "rubric", "difficulty"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_PLAN_BYTES = 1_000_000


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    competency: str = ""
    rubric: tuple[str, ...] = ()
    kind: QuestionKind = "planned"
    parent_id: str | None = None


@dataclass(frozen=True)
class Plan:
    role: str
    questions: tuple[Question, ...]
    company: str | None = None
    candidate: str | None = None
    job_description: str | None = None
    resume: str | None = None
    source: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def vocabulary(self) -> tuple[str, ...]:
        """Words worth biasing recognition towards: the role, competencies and rubric terms."""
        text = " ".join([self.role, self.job_description or ""]
                        + [q.competency + " " + " ".join(q.rubric) + " " + q.text for q in self.questions])
        return distinctive_terms(text)


def load_plan(path: str | Path, *, allow_outside: tuple[Path, ...] = ()) -> Plan:
    """Read and validate a plan file. Raises PlanError('<file>: <problem>').

    `allow_outside` lists files (not folders) named on the command line that the plan may also read."""
    p = Path(path)
    if p.is_dir():
        p = p / "plan.yaml"
    if not p.exists():
        raise PlanError(f"{p}: no such file")
    try:
        raw_bytes = p.read_bytes()
    except OSError as e:
        raise PlanError(f"{p}: cannot read ({e.strerror})") from e
    if len(raw_bytes) > MAX_PLAN_BYTES:
        raise PlanError(f"{p}: plan is {len(raw_bytes)} bytes, over the {MAX_PLAN_BYTES} byte limit")
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanError(f"{p}: not UTF-8 text") from None
    return parse_plan(text, p, allow_outside=allow_outside)


def parse_plan(text: str, origin: Path, *, allow_outside: tuple[Path, ...] = ()) -> Plan:
    import yaml

    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or "syntax error"
        raise PlanError(f"{origin}: invalid YAML{where}: {problem}") from None
    except (ValueError, RecursionError) as e:  # e.g. absurd nesting
        raise PlanError(f"{origin}: invalid YAML: {type(e).__name__}") from None
    if not isinstance(raw, dict):
        raise PlanError(f"{origin}: expected a mapping with 'role' and 'questions', got {_kind(raw)}")
    warnings = [f"{origin}: unknown key '{k}' ignored" for k in raw if k not in PLAN_KEYS]
    role = _text(raw.get("role", ""), origin, "role")
    if "questions" not in raw:
        raise PlanError(f"{origin}: missing 'questions'")
    items = raw["questions"]
    if not isinstance(items, list) or not items:
        raise PlanError(f"{origin}: 'questions' must be a non-empty list, got {_kind(items)}")
    questions, seen = [], set()
    for index, item in enumerate(items, start=1):
        where = f"question {index}"
        if not isinstance(item, dict):
            raise PlanError(f"{origin}: {where} must be a mapping, got {_kind(item)}")
        warnings += [f"{origin}: {where}: unknown key '{k}' ignored" for k in item if k not in QUESTION_KEYS]
        if "id" not in item:
            raise PlanError(f"{origin}: {where} has no 'id'")
        qid = item["id"]
        if not isinstance(qid, (str, int)) or isinstance(qid, bool):
            raise PlanError(f"{origin}: {where}: 'id' must be text, got {_kind(qid)}")
        qid = str(qid)
        if not ID_PATTERN.match(qid):
            raise PlanError(f"{origin}: {where}: id '{qid[:40]}' may use only letters, digits, '_', '-', '.'")
        if qid in seen:
            raise PlanError(f"{origin}: duplicate question id '{qid}'")
        seen.add(qid)
        if "text" not in item:
            raise PlanError(f"{origin}: question '{qid}' has no 'text'")
        qtext = _text(item["text"], origin, f"question '{qid}' text")
        if not qtext.strip():
            raise PlanError(f"{origin}: question '{qid}' has empty 'text'")
        rubric = item.get("rubric") or []
        if isinstance(rubric, str):
            rubric = [rubric]
        if not isinstance(rubric, list) or not all(isinstance(r, (str, int, float)) for r in rubric):
            raise PlanError(f"{origin}: question '{qid}': 'rubric' must be a list of text")
        questions.append(Question(
            id=qid, text=qtext.strip(),
            competency=_text(item.get("competency", ""), origin, f"question '{qid}' competency").strip(),
            rubric=tuple(str(r).strip() for r in rubric if str(r).strip()),
        ))
    base = origin.parent
    plan = Plan(
        role=role.strip() or "Unspecified role",
        questions=tuple(questions),
        company=_optional_text(raw.get("company"), origin, "company"),
        candidate=_optional_text(raw.get("candidate"), origin, "candidate"),
        job_description=_document(raw.get("job_description"), origin, base, "job_description", allow_outside),
        resume=_document(raw.get("resume"), origin, base, "resume", allow_outside),
        source=str(origin),
        warnings=tuple(warnings),
    )
    for w in warnings:
        log.warning(w)
    return plan


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _text(value: Any, origin: Path, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PlanError(f"{origin}: '{what}' must be text, got {_kind(value)}")
    return str(value)


def _optional_text(value: Any, origin: Path, what: str) -> str | None:
    return None if value is None else _text(value, origin, what).strip() or None


DOCUMENT_SUFFIXES = (".md", ".txt", ".markdown", ".text")


def looks_like_path(text: str) -> bool:
    """A one-line value that names a file rather than holding a document: 'jd.md', 'docs/jd',
    '../../etc/passwd'. Such a value is read as a path and must be an allowed document, never taken
    silently as inline text."""
    if "\n" in text or len(text) >= 260:
        return False
    if text.lower().endswith(DOCUMENT_SUFFIXES):
        return True
    return not any(c.isspace() for c in text) and ("/" in text or "\\" in text or text.startswith(("~", ".")))


def _document(value: Any, origin: Path, base: Path, what: str, allow_outside: tuple[Path, ...]) -> str | None:
    """A job description or resume: inline text, or a path relative to the plan that names an allowed document:
    a .md or .txt file inside the plan's folder, or exactly one of the files named on the command line."""
    text = _optional_text(value, origin, what)
    if text is None:
        return None
    if not looks_like_path(text):
        return text
    target = (base / Path(text).expanduser()).resolve()
    named = target in {a.resolve() for a in allow_outside}
    if not named and base.resolve() not in target.parents:
        raise PlanError(f"{origin}: '{what}' path {text} points outside the plan's folder",
                        "copy it next to plan.yaml or pass it on the command line")
    if not named and target.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise PlanError(f"{origin}: '{what}' path {text} is not a document ({', '.join(DOCUMENT_SUFFIXES)})",
                        "write the text inline, or point at a .md or .txt file next to plan.yaml")
    if not target.is_file():
        raise PlanError(f"{origin}: '{what}' file {text} not found")
    try:
        return target.read_text(encoding="utf-8", errors="replace")[:MAX_PLAN_BYTES]
    except OSError as e:
        raise PlanError(f"{origin}: '{what}' file {text}: {e.strerror}") from None


def with_followup(question: Question, parent: Question, index: int) -> Question:
    """A follow-up question gets its own id, derived from its parent's."""
    return replace(question, id=f"{parent.id}_F{index}", kind="followup", parent_id=parent.id,
                   competency=question.competency or parent.competency)
