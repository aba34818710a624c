"""Evaluation -> one self-contained report.html: inline CSS and SVG, one fixed inline script, no external assets.

Every piece of candidate or plan text goes through `escape`, so an answer that says `<script>` is
shown as text and never runs. The page's Content-Security-Policy allows exactly one script, by its hash:
`SEEK_SCRIPT`, which makes a click on a quote or a word play the answer's recording from there. Each
answer's recording is linked (a relative path, never embedded). The same page, with print CSS, is what
the PDF renderer lays out.
"""
from __future__ import annotations

import base64
import hashlib
from html import escape

from reports.chart import COLOURS, emotion_svg
from reports.model import (EMOTION_ADVISORY, RECOMMENDATION_TEXT, Evaluation, TurnEvaluation, duration_text,
                           no_answer_reason, score_text)
from reports.styles import CSS
from voice.transcript import LOW_CONFIDENCE_PROBABILITY, word_offsets

BADGE = {"strong_yes": "good", "yes": "good", "no": "bad", "strong_no": "bad", "insufficient_evidence": "none"}

# Clicking anything with data-seek plays its answer's recording (data-audio names the player) from that second.
SEEK_SCRIPT = ("document.addEventListener('click',function(e){"
               "var el=e.target.closest('[data-seek]');if(!el)return;"
               "var player=document.getElementById(el.getAttribute('data-audio'));if(!player)return;"
               "player.currentTime=parseFloat(el.getAttribute('data-seek'));"
               "var p=player.play();if(p)p.catch(function(){});});")
SEEK_SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SEEK_SCRIPT.encode()).digest()).decode()
# media-src 'self': the recordings are files beside the report (Chromium counts a file: page's own files as 'self')
CSP = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src 'self'; "
       f"script-src '{SEEK_SCRIPT_HASH}'")


def e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def render_html(ev: Evaluation) -> str:
    body = [_header(ev), _summary(ev), _transcript(ev), _per_question(ev), _hr(ev), _alignment(ev),
            _emotion(ev), _statistics(ev),
            f'<footer>{e(EMOTION_ADVISORY)} Scores come from the answers\' evidence; '
            f'the decision rests with the hiring team.</footer>']
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            f"<title>Interview evaluation: {e(ev.role)}{' – ' + e(ev.candidate) if ev.candidate else ''}</title>"
            f"<style>{CSS}</style></head><body><main>" + "\n".join(b for b in body if b) + "</main>"
            f"<script>{SEEK_SCRIPT}</script></body></html>\n")


def _header(ev: Evaluation) -> str:
    o = ev.overall
    decisions = "".join(f'<div class="decision human"><span class="label">Human decision</span>'
                        f'<strong>{e(d.decision)}</strong><span class="muted">{e(d.reviewer)}'
                        f'{" · " + e(d.at) if d.at else ""}</span>{"<p>" + e(d.note) + "</p>" if d.note else ""}</div>'
                        for d in ev.human_decisions)
    sub = " · ".join(e(x) for x in (ev.company, ev.date) if x)
    return (f'<header><div><p class="eyebrow">Interview evaluation</p><h1>{e(ev.candidate or "Candidate not named")}</h1>'
            f'<p class="role">{e(ev.role)}</p><p class="muted">{sub}</p></div>'
            f'<div class="decisions"><div class="decision {BADGE[o.recommendation]}">'
            f'<span class="label">System recommendation</span><strong>{e(RECOMMENDATION_TEXT[o.recommendation])}</strong>'
            + (f'<span class="score">{o.score}<small>/100</small></span>' if o.score is not None else "")
            + f'</div>{decisions}</div></header>')


def _summary(ev: Evaluation) -> str:
    o = ev.overall
    stats = [("Questions", f"{o.answered} of {o.questions_total} answered"),
             ("Average relevance", f"{o.average_relevance:g}/100" if o.average_relevance is not None else "n/a"),
             ("Average score", f"{o.average_score:g}/5" if o.average_score is not None else "n/a"),
             ("Duration", duration_text(ev.duration_s) or "n/a")]
    cards = "".join(f'<div class="stat"><span class="label">{k}</span><strong>{e(v)}</strong></div>' for k, v in stats)
    reasons = "".join(f"<li>{e(r)}</li>" for r in o.reasons)
    return (f'<section id="summary"><h2>Summary</h2><div class="stats">{cards}</div>'
            f'<p>{e(ev.summary)}</p><ul class="reasons">{reasons}</ul></section>')


def _tag(t: TurnEvaluation) -> str:
    return ('<span class="tag followup">[FOLLOW-UP]</span>' if t.kind == "followup"
            else '<span class="tag planned">[PLANNED]</span>')


def _transcript(ev: Evaluation) -> str:
    rows = []
    for t in ev.turns:
        struggled = '<span class="tag struggled">[CANDIDATE STRUGGLED]</span>' if t.struggled else ""
        answer = (f'<p class="answer">{_marked_words(t)}</p>' if t.answered
                  else f'<p class="answer missing">{e(_missing(t))}</p>')
        relevance = f'<span class="rel">relevance {t.relevance}/100</span>' if t.answered else ""
        rows.append(f'<div class="exchange"><p class="question">{_tag(t)} <span class="qid">{e(t.question_id)}</span> '
                    f'{e(t.question)}</p><div class="candidate"><span class="speaker">Candidate</span> {relevance} '
                    f'{struggled}{answer}</div></div>')
    return f'<section id="transcript"><h2>Transcript</h2>{_legend(ev)}{"".join(rows)}</section>'


def _list(title: str, items: tuple[str, ...], cls: str = "") -> str:
    if not items:
        return ""
    return f'<div class="list {cls}"><h4>{e(title)}</h4><ul>' + "".join(f"<li>{e(i)}</li>" for i in items) + "</ul></div>"


def _per_question(ev: Evaluation) -> str:
    cards = []
    for t in ev.turns:
        score = f"{t.score}/5" if t.score is not None else "not scored (counts as 0)"
        dots = "".join(f'<span class="dot{" on" if t.score and i < t.score else ""}"></span>' for i in range(5))
        meta = (f'<p class="muted">Competency: {e(t.competency)}</p>' if t.competency else "") + \
               (f'<p class="muted">Expected: {e("; ".join(t.rubric))}</p>' if t.rubric else "")
        answer = _marked_words(t) if t.answered else f'<em>{e(_missing(t))}</em>'
        quotes = "".join(f"<blockquote{_seek(t, t.spoken_at_s(q))}>“{e(q)}”</blockquote>" for q in t.quotes)
        flags = "".join(f'<span class="flag">{e(n)}</span>' for n in t.flag_notes)
        cards.append(
            f'<article class="qcard"><h3>Question {t.index}: {e(t.question_id)} {_tag(t)}</h3>'
            f'<p class="qtext">{e(t.question)}</p>{meta}'
            f'<div class="scores"><div><span class="label">Relevance</span>'
            f'<div class="bar"><span style="width:{t.relevance}%"></span></div><strong>{t.relevance}/100</strong></div>'
            f'<div><span class="label">Score</span><div class="dots">{dots}</div><strong>{e(score)}</strong></div></div>'
            f'{_player(t)}<p class="answer">{answer}</p>{flags and "<p>" + flags + "</p>"}'
            f'<div class="cols">{_list("Covered", t.covered, "good")}{_list("Missed", t.missed, "bad")}'
            f'{_list("Strengths", t.strengths, "good")}{_list("Weaknesses", t.weaknesses, "bad")}'
            f'{_list("Improvement tips", t.tips)}</div>{quotes}'
            f'<p class="justification"><strong>Justification:</strong> {e(t.justification)}</p></article>')
    return f'<section id="questions"><h2>Per-question analysis</h2>{"".join(cards)}</section>'


def _hr(ev: Evaluation) -> str:
    if ev.hr is None:
        return ""
    hr = ev.hr
    strengths = "".join(f'<li><strong>{e(q.about)}</strong> <span class="qid">{e(q.question_id)}</span>'
                        f'<blockquote{_quote_seek(ev, q)}>“{e(q.text)}”</blockquote></li>' for q in hr.strengths) \
        or "<li>No strength demonstrated with evidence.</li>"
    human = "".join(f"<li>Human decision: <strong>{e(d.decision)}</strong> by {e(d.reviewer)}"
                    f"{': ' + e(d.note) if d.note else ''}</li>" for d in ev.human_decisions)
    return (f'<section id="hr"><h2>HR report</h2><div class="cols">'
            f'<div class="list good"><h4>Strengths, in the candidate\'s words</h4><ul>{strengths}</ul></div>'
            f'{_list("Critical gaps", hr.critical_gaps or ("None found.",), "bad")}</div>'
            f'<div class="cols">{_list("Technical skills shown", (", ".join(hr.technical_skills) or "None named.",))}'
            f'{_list("Communication", hr.communication)}</div>'
            f'<div class="list"><h4>Recommendation: {e(RECOMMENDATION_TEXT[ev.overall.recommendation])} '
            f'(system)</h4><ul>{"".join(f"<li>{e(r)}</li>" for r in hr.recommendation_reasons)}{human}</ul></div>'
            f'</section>')


def _alignment(ev: Evaluation) -> str:
    a = ev.alignment
    if a is None:
        return ""
    supported = "".join(f'<li><strong>{e(q.about)}</strong> <span class="qid">{e(q.question_id)}</span>'
                        f'<blockquote{_quote_seek(ev, q)}>“{e(q.text)}”</blockquote></li>' for q in a.resume_supported)
    jd = ""
    if a.jd_terms_shown or a.jd_terms_missing:
        jd = (f'<div class="cols">{_list("Job-description skills shown", (", ".join(a.jd_terms_shown) or "none",), "good")}'
              f'{_list("Job-description skills never mentioned", (", ".join(a.jd_terms_missing) or "none",), "bad")}</div>')
    resume = (f'<div class="list good"><h4>Resume claims supported in the answers</h4><ul>{supported}</ul></div>'
              if supported else "")
    flags = a.red_flags + a.contradictions
    empty = "" if jd or resume or flags else "<p>No job description or resume was given with the plan.</p>"
    return (f'<section id="alignment"><h2>Job description and resume alignment</h2>{empty}{jd}{resume}'
            f'<div class="list redflags"><h4>Red flags</h4><ul>'
            + ("".join(f"<li>{e(f)}</li>" for f in flags) or "<li>None found.</li>") + "</ul></div></section>")


def _emotion(ev: Evaluation) -> str:
    note = f'<p class="advisory">{e(EMOTION_ADVISORY)}</p>'
    if not ev.has_emotion:
        return f'<section id="emotion"><h2>Emotion timeline</h2>{note}<p>Emotion tracking was off for this session.</p></section>'
    head = "".join(f'<th><span class="swatch" style="background:{c}"></span>{d}</th>' for d, c in COLOURS.items())
    rows = "".join(f"<tr><td>{e(t.question_id)}</td>"
                   + "".join(f"<td>{getattr(t.emotion.levels, d):.2f}</td>" for d in COLOURS) + "</tr>"
                   for t in ev.turns if t.emotion is not None)
    if ev.emotion_averages is not None:
        rows += "<tr class=\"avg\"><td>Average</td>" + "".join(
            f"<td>{getattr(ev.emotion_averages, d):.2f}</td>" for d in COLOURS) + "</tr>"
    return (f'<section id="emotion"><h2>Emotion timeline</h2>{note}{emotion_svg(ev)}'
            f'<table class="emotion"><thead><tr><th>Question</th>{head}</tr></thead><tbody>{rows}</tbody></table></section>')


def _statistics(ev: Evaluation) -> str:
    o = ev.overall

    def n(v: object, unit: str) -> str:
        return f"{v:g}{unit}" if isinstance(v, (int, float)) else "n/a"
    rows = [("Total questions", f"{o.questions_total} ({o.answered} answered)"),
            ("Average relevance", n(o.average_relevance, "/100")), ("Highest relevance", n(o.highest_relevance, "/100")),
            ("Lowest relevance", n(o.lowest_relevance, "/100")), ("Average score", n(o.average_score, "/5")),
            ("Highest score", n(o.highest_score, "/5")), ("Lowest score", n(o.lowest_score, "/5")),
            ("Overall score", score_text(o)), ("System recommendation", o.recommendation)]
    t = o.thresholds
    body = "".join(f"<tr><th>{k}</th><td>{e(v)}</td></tr>" for k, v in rows)
    return (f'<section id="statistics"><h2>Overall statistics</h2><table class="stats-table">{body}</table>'
            f'<p class="muted">Thresholds: strong yes from {t.strong_yes_min:g}, yes from {t.yes_min:g}, '
            f'no from {t.no_min:g}, strong no below {t.no_min:g}. Unanswered questions count as 0; '
            f'follow-ups weigh {t.followup_weight:g}.</p></section>')


def _missing(t: TurnEvaluation) -> str:
    return no_answer_reason(t).capitalize() + "."


def _player_id(t: TurnEvaluation) -> str:
    return f"recording-{t.index}"


def _player(t: TurnEvaluation) -> str:
    if not t.audio:
        return ""
    return (f'<p class="player"><audio id="{_player_id(t)}" controls preload="none" src="{e(t.audio)}"></audio> '
            f'<a href="{e(t.audio)}">recording</a></p>')


def _seek(t: TurnEvaluation, at_s: float | None) -> str:
    """Attributes that make an element play the answer's recording from `at_s` when clicked."""
    if at_s is None or not t.audio:
        return ""
    return f' class="seek" data-seek="{at_s:.2f}" data-audio="{_player_id(t)}" title="play from {at_s:.1f} s"'


def _quote_seek(ev: Evaluation, quote) -> str:
    turn = next((t for t in ev.turns if t.question_id == quote.question_id), None)
    return _seek(turn, turn.spoken_at_s(quote.text)) if turn is not None else ""


def _marked_words(t: TurnEvaluation) -> str:
    """The answer with each word clickable (plays from it) and low-confidence words marked."""
    if not t.words or not t.audio and not any(w.uncertain for w in t.words):
        return e(t.transcript)
    out, at = [], 0
    for start, end, word in word_offsets(t.transcript, t.words):
        out.append(e(t.transcript[at:start]))
        text = e(t.transcript[start:end])
        if word.uncertain:
            text = f'<mark class="low" title="confidence {100 * word.probability:.0f} %">{text}</mark>'
        out.append(f"<span{_seek(t, word.start_s)}>{text}</span>" if t.audio else text)
        at = end
    out.append(e(t.transcript[at:]))
    return "".join(out)


def _legend(ev: Evaluation) -> str:
    if not any(t.words for t in ev.turns):
        return ""
    uncertain = [t.question_id for t in ev.turns if t.uncertain]
    listen = (f' Speech recognition was unsure of parts of {e(", ".join(uncertain))}: listen before deciding.'
              if uncertain else "")
    return (f'<p class="legend"><mark class="low">marked words</mark> were recognised with less than '
            f'{100 * LOW_CONFIDENCE_PROBABILITY:.0f} % confidence and may be wrong.{listen} '
            f'Click a word or a quote to hear the recording from there.</p>')
