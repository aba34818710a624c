"""Evidence sections of an evaluation: the HR report, job-description and resume alignment, red flags.

Everything here is found in the candidate's own words, so it works offline with no LLM: skills are
terms from the plan, job description and resume matched against the answers; every quote is a
sentence (or the assessment's quote) cut verbatim from one answer's transcript.
"""
from __future__ import annotations

import re
from dataclasses import replace

from interview.records import SessionRecord
from nlp.text_features import content_words, distinctive_terms, filler_count, hedge_count, sentences, stem
from reports.model import Alignment, Evaluation, HRSection, Quote, TurnEvaluation

_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(%|percent|years?|x\b|times|engineers|people|users|ms|k\b)?", re.I)
_CLAIM_VERBS = re.compile(r"\b(led|built|designed|deployed|reduced|increased|improved|managed|launched|"
                          r"created|developed|cut|scaled|shipped|owned|mentored|architected|migrated)\b", re.I)
MAX_ITEMS = 12
PER_TURN = 3


def add_evidence_sections(evaluation: Evaluation, record: SessionRecord) -> Evaluation:
    """Return the evaluation with its HR and alignment sections filled from the transcript."""
    answered = [t for t in evaluation.turns if t.answered]
    skills = _plan_skills(record)
    hr = HRSection(
        strengths=_strength_quotes(answered),
        critical_gaps=_critical_gaps(evaluation.turns),
        technical_skills=_skills_shown(answered, skills),
        communication=_communication(answered, evaluation.turns),
        recommendation_reasons=evaluation.overall.reasons,
    )
    return replace(evaluation, hr=hr, alignment=_alignment(record, evaluation.turns, answered))


def mentions(text: str, term: str) -> bool:
    return re.search(r"(?<![A-Za-z0-9])" + re.escape(term) + r"(?![A-Za-z0-9])", text, re.I) is not None


def _content_words(text: str) -> set[str]:
    """Content stems that can tie a strength or a resume claim to an answer (not words every resume has)."""
    return content_words(text) - _GENERIC_STEMS


def _strength_quotes(answered: list[TurnEvaluation]) -> tuple[Quote, ...]:
    """Up to three strengths per well-scored answer, each with the quote that best supports it."""
    found: list[Quote] = []
    for t in sorted(answered, key=lambda t: -(t.score or 0)):
        if (t.score or 0) < 3:
            continue
        points = list(t.strengths) or [f"Covered: {c}" for c in t.covered]
        used: set[str] = set()
        for point in points:
            quote = _supporting_quote(t, point, used)
            if quote:
                used.add(quote)
                found.append(Quote(text=quote, question_id=t.question_id, about=point))
            if len([q for q in found if q.question_id == t.question_id]) >= PER_TURN:
                break
    return tuple(found[:MAX_ITEMS])


def _supporting_quote(turn: TurnEvaluation, about: str, used: set[str]) -> str | None:
    """The assessment quote or answer sentence sharing most words with `about`, preferring unused ones."""
    want = _content_words(about)
    candidates = [q for q in turn.quotes if q in turn.transcript] + sentences(turn.transcript)
    scored = [(len(want & _content_words(c)), c not in used, -i, c) for i, c in enumerate(candidates)]
    scored = [s for s in scored if s[0] > 0]
    if scored:
        return max(scored)[3]
    fresh = [c for c in candidates if c not in used]
    return fresh[0] if fresh else None


def _critical_gaps(turns: tuple[TurnEvaluation, ...]) -> tuple[str, ...]:
    gaps = []
    for t in turns:
        label = f"{t.question_id}" + (f" ({t.competency})" if t.competency else "")
        if "suggested_followup" in t.flags:
            continue        # never asked: not a gap in the candidate
        if "rerecord" in t.flags:
            gaps.append(f"{label}: the recording could not be read; record it again.")
        elif not t.answered:
            gaps.append(f"{label}: no usable answer.")
        elif (t.score or 0) <= 2:
            missed = "; ".join(t.missed) if t.missed else "no rubric point covered"
            gaps.append(f"{label}: scored {t.score}/5; missed {missed}.")
        elif t.missed:
            gaps.append(f"{label}: missed {'; '.join(t.missed)}.")
    return tuple(gaps[:MAX_ITEMS])


def _exclude(record: SessionRecord) -> tuple[str, ...]:
    return tuple(x for x in (record.plan.role, record.plan.company, record.candidate) if x)


def _plan_skills(record: SessionRecord) -> list[str]:
    plan = record.plan
    text = "\n".join([plan.job_description or ""] + [" ".join(q.rubric) for q in plan.questions])
    return _dedupe(skill_terms(text, limit=80, exclude=_exclude(record)) + _resume_skills(record))


def _resume_skills(record: SessionRecord) -> list[str]:
    """The resume's explicit skills list; its jargon-like terms only when it has no such list."""
    resume = record.plan.resume or ""
    listed = _resume_skill_list(resume)
    if listed:
        return listed
    return [t for t in distinctive_terms("\n".join(l for l in resume.splitlines() if not l.lstrip().startswith("#")),
                                         limit=60)
            if t.lower() not in _GENERIC and not any(t.lower() in x.lower() for x in _exclude(record))]


def _skills_shown(answered: list[TurnEvaluation], skills: list[str]) -> tuple[str, ...]:
    said = " ".join(t.transcript for t in answered)
    shown = [s for s in skills if mentions(said, s)] + list(distinctive_terms(said))
    return tuple(_dedupe(shown)[:MAX_ITEMS * 2])


def _communication(answered: list[TurnEvaluation], turns: tuple[TurnEvaluation, ...]) -> tuple[str, ...]:
    if not answered:
        return ("No answer could be assessed for communication.",)
    words = [len(t.transcript.split()) for t in answered]
    lines = [f"Answers averaged {sum(words) / len(words):.0f} words ({min(words)} to {max(words)})."]
    hedged = [t.question_id for t in answered if hedge_count(t.transcript)]
    lines.append(f"Hedging ('I'm not sure', 'maybe', 'I think') in {len(hedged)} of {len(answered)} answers"
                 + (f": {', '.join(hedged)}." if hedged else "."))
    fillers = sum(filler_count(t.transcript) for t in answered)
    if fillers:
        lines.append(f"{fillers} filler word{'s' if fillers != 1 else ''} (um, uh, \"you know\", \"kind of\") across the answers.")
    concrete = [t.question_id for t in answered if re.search(r"\d", t.transcript)]
    lines.append(f"Concrete figures given in {len(concrete)} of {len(answered)} answers.")
    relevant = [t for t in answered if t.relevance >= 60]
    lines.append(f"{len(relevant)} of {len(answered)} answers stayed on the question (relevance 60 or more).")
    struggled = [t.question_id for t in turns if t.struggled]
    if struggled:
        lines.append(f"Struggled on {', '.join(struggled)}.")
    return tuple(lines)


def _alignment(record: SessionRecord, turns: tuple[TurnEvaluation, ...],
               answered: list[TurnEvaluation]) -> Alignment:
    said = " ".join(t.transcript for t in answered)
    jd_terms = skill_terms(record.plan.job_description or "", exclude=_exclude(record))
    resume = record.plan.resume or ""
    resume_skills = _resume_skills(record)
    supported, unsupported = [], []
    for skill in resume_skills:
        turn = next((t for t in answered if mentions(t.transcript, skill)), None)
        if turn is None:
            unsupported.append(skill)
            continue
        quote = next((s for s in sentences(turn.transcript) if mentions(s, skill)), None)
        if quote:
            supported.append(Quote(text=quote, question_id=turn.question_id, about=skill))
    unsupported_claims, contradictions = [], []
    for claim in _resume_claims(resume):
        evidence = _claim_evidence(claim, answered)
        if evidence is None:
            unsupported_claims.append(claim)
            continue
        turn, sentence, conflict = evidence
        if conflict:
            contradictions.append(f"Resume says \"{claim}\" but the answer to {turn.question_id} says "
                                  f"\"{sentence}\".")
        else:
            supported.append(Quote(text=sentence, question_id=turn.question_id, about=claim))
    red_flags = [f"Resume lists {s}; never mentioned in any answer." for s in unsupported]
    red_flags += [f"Resume claim not supported in the answers: \"{c}\"" for c in unsupported_claims]
    for t in turns:
        if "injection_attempt" in t.flags:
            red_flags.append(f"{t.question_id}: the answer tried to instruct the evaluator.")
    return Alignment(
        jd_terms_shown=tuple(j for j in jd_terms if mentions(said, j)),
        jd_terms_missing=tuple(j for j in jd_terms if not mentions(said, j)),
        resume_supported=tuple(supported[:MAX_ITEMS * 2]),
        resume_unsupported=tuple(unsupported + unsupported_claims),
        contradictions=tuple(contradictions),
        red_flags=tuple(red_flags[:MAX_ITEMS * 2]),
    )


def _resume_skill_list(resume: str) -> list[str]:
    """Items of a 'Skills:' line or a bulleted skills section."""
    items: list[str] = []
    for m in re.finditer(r"(?im)^\W*(?:technical\s+)?skills?\s*[:\-]\s*(.+)$", resume):
        line = m.group(1).split(". ")[0]
        items += [i.strip(" .;*-") for i in re.split(r",|;|/|\band\b|\|", line)]
    for m in re.finditer(r"(?i)skills?\s*:\s*([^.\n]+)", resume):
        items += [i.strip(" .;*-") for i in re.split(r",|;|/|\band\b|\|", m.group(1))]
    return _dedupe([i for i in items if 1 < len(i) <= 40])


def _resume_claims(resume: str) -> list[str]:
    """Resume sentences that claim an achievement: an action verb with a figure."""
    claims = []
    for s in sentences(resume):
        if _CLAIM_VERBS.search(s) and re.search(r"\d", s) and not re.match(r"(?i)\W*skills?\s*:", s):
            claims.append(s.strip(" -*"))
    return _dedupe(claims)[:MAX_ITEMS]


def _claim_evidence(claim: str, answered: list[TurnEvaluation]) -> tuple[TurnEvaluation, str, bool] | None:
    """The answer sentence that speaks to a resume claim, and whether its figures contradict it."""
    words = _content_words(claim)
    claim_numbers = {(n, (u or "").lower()[:1]) for n, u in _NUMBER.findall(claim)}
    best: tuple[TurnEvaluation, str, bool] | None = None
    best_overlap = 0
    for t in answered:
        for s in sentences(t.transcript):
            overlap = len(words & _content_words(s))
            if overlap < 1 or overlap <= best_overlap:
                continue
            numbers = {(n, (u or "").lower()[:1]) for n, u in _NUMBER.findall(s)}
            same_unit = {u for _, u in claim_numbers} & {u for _, u in numbers}
            conflict = bool(numbers) and bool(claim_numbers) and not (numbers & claim_numbers) and bool(same_unit)
            if overlap >= 2 or (numbers & claim_numbers):
                best, best_overlap = (t, s, conflict), overlap
    return best


_GENERIC = {"machine", "learning", "engineer", "engineering", "senior", "junior", "team", "we", "you", "our",
            "the", "and", "data", "science", "scientist", "experience", "skills", "role", "company", "i",
            "manager", "developer", "lead", "led", "work", "a", "an", "in", "at", "of", "for", "with", "on",
            "computer", "msc", "bsc", "ba", "ma", "phd", "projects", "project", "internship", "entry",
            "level", "intern", "university", "skills", "summary", "education", "years", "year", "worked",
            "engineers", "within", "using"}
_GENERIC_STEMS = {stem(w) for w in _GENERIC}


def skill_terms(text: str, limit: int = 60, exclude: tuple[str, ...] = ()) -> list[str]:
    """Tool- and skill-like words: jargon (XGBoost, AWS) plus capitalised words inside a sentence (Docker).

    Markdown headings (a title line) and the words of `exclude` (role, company, candidate) are left out.
    """
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    banned = _GENERIC | {w.lower() for x in exclude if x for w in re.findall(r"[A-Za-z][A-Za-z-]*", x)}
    found = list(distinctive_terms(body, limit=limit))
    for s in sentences(body):
        for m in re.finditer(r"(?<=[\s,(/])([A-Z][a-z][A-Za-z+#]*)", s):
            before = s[:m.start(1)]
            employer = re.search(r"\b(?:at|for)\s+$", before, re.I)
            if before.strip(" -*+") and not employer:
                found.append(m.group(1))
    return [t for t in _dedupe(found) if t.lower() not in banned and t.lower().split("-")[0] not in banned][:limit]


def _dedupe(items: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        key = item.lower()
        if item and key not in seen:
            seen[key] = item
    return list(seen.values())
