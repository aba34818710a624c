"""Interview plans from a job description (and a resume): offline from the shipped question bank,
or from an LLM validated the same way.

Offline, each competency in interview/data/question_bank.yaml is scored by how often the job
description names its skills; questions are taken round-robin from the best-matching competencies,
and one question asks about a project named in the resume. Ids carry the competency's prefix
(ML_Q1, DE_Q1, COLLAB_Q1, MONITOR_Q1). Every plan, offline or LLM, is written as YAML and read back
through the plan loader, so it meets the replay contract.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from interview.llm import ChatClient, LLMFallbacks
from interview.plan import Plan, Question, parse_plan
from interview.structured import ask_structured, delimited, load_prompt
from voice.errors import LLMError, PlanError

log = logging.getLogger(__name__)

DEFAULT_QUESTIONS = 6
MAX_QUESTIONS = 30


@dataclass(frozen=True)
class Competency:
    prefix: str
    name: str
    keywords: tuple[str, ...]
    questions: tuple[tuple[str, tuple[str, ...]], ...]   # (text, rubric)


@dataclass(frozen=True)
class QuestionBank:
    competencies: tuple[Competency, ...]
    project_text: str
    project_rubric: tuple[str, ...]
    project_prefix: str = "PROJ"
    project_name: str = "resume project"


@lru_cache(maxsize=1)
def load_question_bank() -> QuestionBank:
    import yaml

    raw = yaml.safe_load(resources.files("interview").joinpath("data", "question_bank.yaml").read_text("utf-8"))
    competencies = tuple(
        Competency(prefix=c["prefix"], name=c["name"], keywords=tuple(c.get("keywords") or ()),
                   questions=tuple((q["text"], tuple(q["rubric"])) for q in c["questions"]))
        for c in raw["competencies"])
    project = raw["project"]
    return QuestionBank(competencies, project["text"], tuple(project["rubric"]), project["prefix"], project["name"])


def skill_hits(job_description: str, bank: QuestionBank) -> list[tuple[Competency, int]]:
    """Competencies the job description asks for, most-mentioned first (bank order breaks ties)."""
    text = job_description.lower()
    scored = []
    for competency in bank.competencies:
        hits = sum(len(re.findall(rf"(?<![\w/-]){re.escape(k.lower())}(?![\w/-])", text)) for k in competency.keywords)
        if hits:
            scored.append((competency, hits))
    return sorted(scored, key=lambda pair: -pair[1])


_HEADING = re.compile(r"^\s*#{1,6}\s*(.+?)\s*#*\s*$")
_PROJECTS_HEADING = re.compile(r"^\s*(?:#{1,6}\s*|\*\*)?\s*(?:selected\s+|key\s+|personal\s+|side\s+)?projects?\b",
                               re.IGNORECASE)


def _field(text: str, *names: str) -> str | None:
    for name in names:
        match = re.search(rf"^\s*\**{name}\**\s*:\s*\**\s*(.+?)\s*\**\s*$", text, re.IGNORECASE | re.MULTILINE)
        if match:
            return match.group(1).strip()
    return None


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            return match.group(1).strip()
    return None


def role_of(job_description: str) -> str:
    return (_field(job_description, "role", "title", "position", "job title") or _first_heading(job_description)
            or "Unspecified role")[:120]


def resume_project(resume: str) -> str | None:
    """The first project named under a Projects heading, else the first line that names a project."""
    lines = resume.splitlines()
    for i, line in enumerate(lines):
        if _PROJECTS_HEADING.match(line) and len(line.split()) <= 5:
            for entry in lines[i + 1:]:
                name = _project_name(entry)
                if name:
                    return name
    for line in lines:
        match = re.search(r"\b(?i:project)\s*[:\-\u2013\u2014]?\s*([A-Z][\w .+#-]{2,50})", line)
        if match:
            return match.group(1).strip(" .-")
    return None


def _project_name(line: str) -> str | None:
    text = re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", line).strip()
    if not text or _HEADING.match(line) and _PROJECTS_HEADING.match(line):
        return None
    text = _HEADING.sub(r"\1", text)
    text = re.sub(r"[*_`]", "", text)
    name = re.split(r"\s*(?::|\s[-\u2013\u2014]\s|\(|,|\.\s)", text, maxsplit=1)[0].strip(" .")
    return name[:60] or None


def offline_plan(job_description: str, resume: str | None = None, questions: int = DEFAULT_QUESTIONS,
                 *, bank: QuestionBank | None = None) -> Plan:
    """A plan from the job description's skills and the question bank; no model involved."""
    bank = bank or load_question_bank()
    wanted = max(1, min(MAX_QUESTIONS, questions))
    project = project_question(bank, resume) if resume else None
    slots = wanted - (1 if project else 0)
    chosen = [c for c, _ in skill_hits(job_description, bank)]
    if not chosen:
        chosen = [c for c in bank.competencies if c.prefix in ("PROB", "COLLAB")]
    picked: dict[str, list[tuple[str, tuple[str, ...]]]] = {c.prefix: [] for c in chosen}
    for depth in range(max(len(c.questions) for c in chosen)):
        for c in chosen:
            if slots and depth < len(c.questions):
                picked[c.prefix].append(c.questions[depth])
                slots -= 1
    result = [project] if project else []
    for c in chosen:
        for n, (text, rubric) in enumerate(picked[c.prefix], start=1):
            result.append(Question(id=f"{c.prefix}_Q{n}", text=text, competency=c.name, rubric=rubric))
    return _plan(job_description, resume, result)


def project_question(bank: QuestionBank, resume: str) -> Question:
    name = resume_project(resume)
    text = bank.project_text.format(project=name or "a project you are proud of")
    return Question(id=f"{bank.project_prefix}_Q1", text=text, competency=bank.project_name, rubric=bank.project_rubric)


def _plan(job_description: str, resume: str | None, questions: list[Question], role: str | None = None) -> Plan:
    return Plan(role=role or role_of(job_description), questions=tuple(questions),
                company=_field(job_description, "company", "organisation", "organization"),
                candidate=(_field(resume, "name") or _first_heading(resume)) if resume else None,
                job_description=job_description.strip() or None, resume=(resume or "").strip() or None)


def _generated_plan_model():
    from pydantic import BaseModel, Field

    class PlanQuestion(BaseModel):
        competency: str = Field(min_length=1, max_length=60)
        text: str = Field(min_length=10, max_length=600)
        rubric: list[str] = Field(min_length=1, max_length=8)

    class GeneratedPlan(BaseModel):
        role: str = Field(default="", max_length=120)
        questions: list[PlanQuestion] = Field(min_length=1, max_length=MAX_QUESTIONS)

    return GeneratedPlan


def prefix_for(competency: str, bank: QuestionBank) -> str:
    """The bank's prefix for a known competency name or prefix, else the name's first word, upper-cased."""
    key = competency.strip().lower()
    for c in bank.competencies:
        if key in (c.name.lower(), c.prefix.lower()) or c.name.lower() in key:
            return c.prefix
    if "project" in key or "resume" in key:
        return bank.project_prefix
    word = re.sub(r"[^A-Za-z0-9]", "", (key.split() or ["Q"])[0]).upper()
    return (word or "Q")[:10]


def llm_plan(chat: ChatClient, job_description: str, resume: str | None = None,
             questions: int = DEFAULT_QUESTIONS, *, fallbacks: LLMFallbacks | None = None) -> Plan:
    """A plan written by the model, checked like any plan; the offline plan if the model fails."""
    bank = load_question_bank()
    wanted = max(1, min(MAX_QUESTIONS, questions))
    messages = [{"role": "system", "content": load_prompt("plan").format(questions=wanted)},
                {"role": "user", "content": delimited("job_description", job_description)
                 + ("\n\n" + delimited("resume", resume) if resume else "")}]
    try:
        generated = ask_structured(chat, messages, _generated_plan_model())
        result, counters = [], {}
        for item in generated.questions[:wanted]:
            prefix = prefix_for(item.competency, bank)
            counters[prefix] = counters.get(prefix, 0) + 1
            result.append(Question(id=f"{prefix}_Q{counters[prefix]}", text=" ".join(item.text.split()),
                                   competency=item.competency.strip().lower(),
                                   rubric=tuple(r.strip() for r in item.rubric if r.strip())))
        if resume and bank.project_prefix not in counters:
            result = [project_question(bank, resume), *result[:wanted - 1]]
        plan = _plan(job_description, resume, result, role=generated.role.strip() or None)
        validate_plan(plan)
        return plan
    except (LLMError, PlanError) as e:
        error = e if isinstance(e, LLMError) else LLMError(f"the generated plan is invalid: {e.message}")
        (fallbacks or LLMFallbacks()).fallback("plan", error)
        return offline_plan(job_description, resume, questions, bank=bank)


def plan_to_yaml(plan: Plan) -> str:
    import yaml

    document: dict[str, Any] = {"role": plan.role}
    for key in ("company", "candidate"):
        if getattr(plan, key):
            document[key] = getattr(plan, key)
    document["questions"] = [{"id": q.id, "competency": q.competency, "text": q.text, "rubric": list(q.rubric)}
                             for q in plan.questions]
    for key in ("job_description", "resume"):
        if getattr(plan, key):
            document[key] = getattr(plan, key)
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def validate_plan(plan: Plan, origin: Path = Path("generated plan")) -> Plan:
    """Round-trip through the plan loader: what it rejects here, replay would reject later."""
    return parse_plan(plan_to_yaml(plan), origin)


def write_plan(plan: Plan, path: str | Path) -> Plan:
    target = Path(path)
    text = plan_to_yaml(plan)
    checked = parse_plan(text, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return checked
