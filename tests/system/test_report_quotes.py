"""Every quote a report shows is a verbatim substring of the transcript it cites."""
from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings, strategies as st

from reports.build import build_evaluation
from reports.render_md import render_transcript_md
from tests.fakes_reports import assessment, question, sample_record, turn
from interview.plan import Plan
from interview.records import SessionRecord


def all_quotes(ev):
    by_id = {t.question_id: t.transcript for t in ev.turns}
    for t in ev.turns:
        for q in t.quotes:
            yield q, t.transcript
    for q in ev.hr.strengths + ev.alignment.resume_supported:
        yield q.text, by_id[q.question_id]


def test_sample_quotes_are_verbatim():
    ev = build_evaluation(sample_record())
    quotes = list(all_quotes(ev))
    assert len(quotes) >= 5
    for quote, transcript in quotes:
        assert quote and quote in transcript


words = st.lists(st.sampled_from(["I", "built", "Python", "Docker", "pipelines", "with", "40%", "latency",
                                  "um", "monitoring", "Kubernetes", "team", "."]), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(answer=words, claimed=st.lists(st.text(min_size=1, max_size=20), max_size=4))
def test_any_answer_only_yields_verbatim_quotes(answer, claimed):
    text = " ".join(answer)
    q = question("Q1", "Tell me about Python and Docker.", rubric=("Python", "monitoring"))
    record = SessionRecord(
        plan=Plan(role="Engineer", questions=(q,), job_description="Python, Docker and Kubernetes.",
                  resume="Skills: Python, Kubernetes. Reduced latency by 40%."),
        turns=(turn(q, text, assessment(70, 4, 0.7, quotes=tuple(claimed), strengths=("Python",),
                                        covered=("Python",))),))
    ev = build_evaluation(record)
    for quote, transcript in all_quotes(ev):
        assert quote in transcript


def test_transcript_md_keeps_the_words():
    ev = build_evaluation(sample_record())
    text = render_transcript_md(ev)
    assert "I used Python scripts that compared feature distributions every week." in text


def test_importing_reports_does_not_import_torch_or_weasyprint():
    code = ("import sys, reports, reports.build, reports.render_html, reports.cohort; "
            "print('torch' in sys.modules, 'weasyprint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
