"""report.md / report.json / transcript.md structure, and the atomic private writes."""
from __future__ import annotations

import json
import os
import stat

import pytest

from reports import parse_formats, write_reports
from tests.fakes_reports import sample_record
from voice.errors import VivavoceError


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return write_reports(sample_record(), out, formats=("md", "json"))


def test_json_contract_keys(written):
    report = json.loads(written["json"].read_text())
    assert report["schema_version"] == 1
    assert report["candidate"] == "Jane Doe" and report["role"] == "Machine Learning Engineer"
    # README's formula: weighted mean quality (0.9 + 0.5 x 0.7 + 0.1 + 0) / 3.5 = 0.39, the unreadable recording
    # left out (not a 0); strong_no below 40
    assert report["overall"]["score"] == 39 and report["overall"]["recommendation"] == "strong_no"
    assert [(t["relevance"], t["score"]) for t in report["turns"]] == [(90, 5), (75, 4), (35, 1), (0, None),
                                                                        (0, None)]
    for t in report["turns"]:
        assert {"question_id", "question", "kind", "transcript", "relevance", "score", "emotion", "flags",
                "justification"} <= set(t)
        if t["emotion"] is not None:
            assert set(t["emotion"]) == {"concentration", "enthusiasm", "interest", "confidence"}
    kinds = [t["kind"] for t in report["turns"]]
    assert kinds == ["planned", "followup", "planned", "planned", "planned"]
    assert report["turns"][3]["score"] is None and "no_answer" in report["turns"][3]["flags"]
    assert "advisory" in report["emotion"]["advisory"]
    # the session's averages over the three turns with emotion; the deprecated key repeats them
    assert report["overall"]["emotion"] == {"concentration": 0.633, "enthusiasm": 0.5, "interest": 0.55,
                                            "confidence": 0.55}
    assert report["emotion"]["averages"] == report["overall"]["emotion"]


def test_md_has_every_section_and_question(written):
    md = written["md"].read_text()
    for heading in ("## Summary", "## Transcript", "## Per-question analysis", "## Emotion timeline",
                    "## Overall statistics"):
        assert heading in md
    assert md.index("## Summary") < md.index("## Transcript") < md.index("## Overall statistics")
    for qid in ("ML_Q1", "ML_Q1_F1", "ML_Q2", "DE_Q1", "ENG_Q1"):
        assert f"({qid})" in md
    assert "Relevance:** 90/100" in md and "Score:** 5/5" in md
    assert "[CANDIDATE STRUGGLED]" in md and "Emotion scores are advisory" in md
    assert "Justification:** covered packaging and monitoring" in md


def test_transcript_md_is_a_tagged_dialogue(written):
    text = written["transcript"].read_text()
    assert text.count("[PLANNED]") == 4 and text.count("[FOLLOW-UP]") == 1
    assert "**Candidate**: At Nokia I deployed an XGBoost model" in text
    assert "[CANDIDATE STRUGGLED]" in text


def test_files_are_private_and_no_temp_left(written):
    for path in written.values():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not [p for p in os.listdir(written["md"].parent) if p.endswith(".tmp")]


def test_emotion_off_is_graceful(tmp_path):
    paths = write_reports(sample_record(with_emotion=False), tmp_path, formats=("md", "json"))
    assert "Emotion tracking was off" in paths["md"].read_text()
    report = json.loads(paths["json"].read_text())
    assert all(t["emotion"] is None for t in report["turns"])
    assert report["overall"]["emotion"] is None


def test_unknown_format_is_a_user_error():
    with pytest.raises(VivavoceError, match="unknown report format 'docx'"):
        parse_formats("md,docx")
    assert parse_formats("md, html,md") == ("md", "html")


def test_no_usable_answer_renders_without_a_score_in_every_format():
    from dataclasses import replace

    from reports.build import build_evaluation
    from reports.render_html import render_html
    from reports.render_json import render_json
    from reports.render_md import render_md

    record = sample_record()
    failed = tuple(replace(t, transcript=None, assessment=None, emotion=None, flags=("audio_error",))
                   for t in record.turns)
    ev = build_evaluation(replace(record, turns=failed))
    overall = json.loads(render_json(ev))["overall"]
    assert overall["score"] is None and overall["recommendation"] == "insufficient_evidence"
    md, html = render_md(ev), render_html(ev)
    assert "Insufficient evidence" in md and "n/a (no usable answer)" in md and "None/100" not in md
    assert "Insufficient evidence" in html and "None" not in html.split("<main")[0]
