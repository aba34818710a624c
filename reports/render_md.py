"""Evaluation -> report.md and transcript.md. Formatting only: every number comes from the Evaluation."""
from __future__ import annotations

from nlp.emotion import DIMENSIONS
from reports.model import (EMOTION_ADVISORY, RECOMMENDATION_TEXT, Evaluation, duration_text, score_text,
                           no_answer_reason)



def render_md(ev: Evaluation) -> str:
    lines: list[str] = [f"# Interview evaluation: {_inline(ev.role)}", ""]
    lines += _summary(ev)
    lines += _transcript_section(ev)
    lines += _per_question(ev)
    lines += _hr(ev)
    lines += _alignment(ev)
    lines += _emotion(ev)
    lines += _statistics(ev)
    return "\n".join(lines).rstrip() + "\n"


def render_transcript_md(ev: Evaluation) -> str:
    """The interview as a readable dialogue, tagged [PLANNED] / [FOLLOW-UP] / [CANDIDATE STRUGGLED]."""
    lines = [f"# Interview transcript: {_inline(ev.role)}", ""]
    lines.append(f"Candidate: {_inline(ev.candidate or 'not named')}  ")
    if ev.company:
        lines.append(f"Company: {_inline(ev.company)}  ")
    if ev.date:
        lines.append(f"Date: {_inline(ev.date)}  ")
    lines.append("")
    lines += _dialogue(ev, with_scores=False)
    return "\n".join(lines).rstrip() + "\n"


def _summary(ev: Evaluation) -> list[str]:
    o = ev.overall
    rows = [("Role", _cell(ev.role)), ("Company", _cell(ev.company)),
            ("Candidate", _cell(ev.candidate or "not named")),
            ("Date", _cell(ev.date)), ("Duration", duration_text(ev.duration_s)),
            ("Questions", f"{o.questions_total} ({o.answered} answered)"),
            ("Average relevance", f"{o.average_relevance:g}/100" if o.average_relevance is not None else "n/a"),
            ("Average score", f"{o.average_score:g}/5" if o.average_score is not None else "n/a"),
            ("Overall score", score_text(o)),
            ("System recommendation", f"**{RECOMMENDATION_TEXT[o.recommendation]}** (`{o.recommendation}`)")]
    for d in ev.human_decisions:
        rows.append(("Human decision", f"**{_cell(d.decision)}** by {_cell(d.reviewer)}"
                     + (f" ({_cell(d.at)})" if d.at else "") + (f": {_cell(d.note)}" if d.note else "")))
    out = ["## Summary", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in rows if v]
    out += ["", _inline(ev.summary), ""]
    out += [f"- {_inline(r)}" for r in o.reasons]
    return out + [""]


def _transcript_section(ev: Evaluation) -> list[str]:
    return ["## Transcript", ""] + _dialogue(ev, with_scores=True) + [""]


def _dialogue(ev: Evaluation, with_scores: bool) -> list[str]:
    out: list[str] = []
    for t in ev.turns:
        tag = "[FOLLOW-UP]" if t.kind == "followup" else "[PLANNED]"
        out.append(f"**Interviewer** {tag} ({_inline(t.question_id)}): {_inline(t.question)}")
        out.append("")
        extra = []
        if with_scores and t.answered:
            extra.append(f"relevance {t.relevance}/100")
        marker = " **[CANDIDATE STRUGGLED]**" if t.struggled else ""
        suffix = f" _({', '.join(extra)})_" if extra else ""
        if t.answered:
            out.append(f"**Candidate**{suffix}:{marker} {_inline(t.transcript)}")
        else:
            out.append(f"**Candidate**:{marker} _({no_answer_reason(t)})_")
        out.append("")
    return out


def _per_question(ev: Evaluation) -> list[str]:
    out = ["## Per-question analysis", ""]
    for t in ev.turns:
        tag = "follow-up" if t.kind == "followup" else "planned"
        out.append(f"### Question {t.index}: {_inline(t.question_id)} ({tag})")
        out.append("")
        out.append(f"> {_inline(t.question)}")
        out.append("")
        if t.competency:
            out.append(f"- **Competency tested:** {_inline(t.competency)}")
        if t.rubric:
            out.append(f"- **Key points expected:** {_inline('; '.join(t.rubric))}")
        out.append(f"- **Answer:** {_inline(t.transcript) if t.answered else '_' + no_answer_reason(t) + '_'}")
        out.append(f"- **Relevance:** {t.relevance}/100")
        out.append(f"- **Score:** {f'{t.score}/5' if t.score is not None else 'not scored (counts as 0)'}")
        if t.flags:
            out.append(f"- **Flags:** {_inline('; '.join(t.flag_notes))}")
        out.append("")
        for title, items in (("Covered", t.covered), ("Missed", t.missed), ("Strengths", t.strengths),
                             ("Weaknesses", t.weaknesses), ("Improvement tips", t.tips)):
            if items:
                out.append(f"**{title}:**")
                out += [f"- {_inline(i)}" for i in items]
                out.append("")
        if t.quotes:
            out.append("**Quotes:**")
            out += [f"- \"{_inline(q)}\"" for q in t.quotes]
            out.append("")
        out.append(f"**Justification:** {_inline(t.justification)}")
        out.append("")
    return out


def _hr(ev: Evaluation) -> list[str]:
    if ev.hr is None:
        return []
    hr = ev.hr
    out = ["## HR report", "", "### Strengths (with the candidate's words)", ""]
    out += [f"- {_inline(q.about)}: \"{_inline(q.text)}\" ({_inline(q.question_id)})" for q in hr.strengths] \
        or ["- None demonstrated with evidence."]
    out += ["", "### Critical gaps", ""]
    out += [f"- {_inline(g)}" for g in hr.critical_gaps] or ["- None found."]
    out += ["", "### Technical skills shown", ""]
    out += [f"- {_inline(', '.join(hr.technical_skills))}"] if hr.technical_skills else ["- None named in the answers."]
    out += ["", "### Communication", ""]
    out += [f"- {_inline(c)}" for c in hr.communication]
    out += ["", "### Recommendation", "",
            f"**{RECOMMENDATION_TEXT[ev.overall.recommendation]}** (system recommendation)", ""]
    out += [f"- {_inline(r)}" for r in hr.recommendation_reasons]
    for d in ev.human_decisions:
        out.append(f"- Human decision: **{_inline(d.decision)}** by {_inline(d.reviewer)}"
                   + (f": {_inline(d.note)}" if d.note else ""))
    return out + [""]


def _alignment(ev: Evaluation) -> list[str]:
    a = ev.alignment
    if a is None:
        return []
    out = ["## Job description and resume alignment", ""]
    if a.jd_terms_shown or a.jd_terms_missing:
        out.append(f"- **Job-description skills shown in answers:** {_inline(', '.join(a.jd_terms_shown)) or 'none'}")
        out.append(f"- **Job-description skills never mentioned:** {_inline(', '.join(a.jd_terms_missing)) or 'none'}")
    if a.resume_supported:
        out.append("- **Resume claims supported in the answers:**")
        out += [f"  - {_inline(q.about)}: \"{_inline(q.text)}\" ({_inline(q.question_id)})" for q in a.resume_supported]
    if a.resume_unsupported:
        out.append(f"- **Resume claims never supported in the answers:** {_inline(', '.join(a.resume_unsupported))}")
    if len(out) == 2:
        out.append("- No job description or resume was given with the plan.")
    out += ["", "### Red flags", ""]
    out += [f"- {_inline(f)}" for f in a.red_flags + a.contradictions] or ["- None found."]
    return out + [""]


def _emotion(ev: Evaluation) -> list[str]:
    out = ["## Emotion timeline", "", f"_{EMOTION_ADVISORY}_", ""]
    if not ev.has_emotion:
        return out + ["Emotion tracking was off for this session.", ""]
    out += ["| Question | " + " | ".join(d.capitalize() for d in DIMENSIONS) + " |",
            "|---|" + "---|" * len(DIMENSIONS)]
    for t in ev.turns:
        if t.emotion is not None:
            out.append(f"| {_cell(t.question_id)} | " + " | ".join(f"{getattr(t.emotion.levels, d):.2f}" for d in DIMENSIONS) + " |")
    if ev.emotion_averages is not None:
        out.append("| **Average** | " + " | ".join(f"**{getattr(ev.emotion_averages, d):.2f}**" for d in DIMENSIONS) + " |")
    return out + [""]


def _statistics(ev: Evaluation) -> list[str]:
    o = ev.overall
    def n(v: object, unit: str) -> str:
        return f"{v:g}{unit}" if isinstance(v, (int, float)) else "n/a"
    return ["## Overall statistics", "",
            f"- Total questions: {o.questions_total} ({o.answered} answered)",
            f"- Average relevance: {n(o.average_relevance, '/100')}",
            f"- Highest relevance: {n(o.highest_relevance, '/100')}",
            f"- Lowest relevance: {n(o.lowest_relevance, '/100')}",
            f"- Average score: {n(o.average_score, '/5')}",
            f"- Highest score: {n(o.highest_score, '/5')}",
            f"- Lowest score: {n(o.lowest_score, '/5')}",
            f"- Overall score: {score_text(o)}",
            f"- System recommendation: {o.recommendation}", ""]






def _inline(text: str | None) -> str:
    """Candidate text on one line, with markdown/HTML control characters neutralised."""
    if not text:
        return ""
    flat = " ".join(str(text).split())
    # brackets too: `[x](url)` and `![x](url)` written by a candidate or a model must not become a link or
    # an image (a tracking pixel) in a reviewer's Markdown viewer
    return flat.translate(_MD_ESCAPES)


_MD_ESCAPES = str.maketrans({"\\": "\\\\", "<": "&lt;", ">": "&gt;", "*": "\\*", "[": "\\[", "]": "\\]"})


def _cell(text: str | None) -> str:
    return _inline(text).replace("|", "\\|")
