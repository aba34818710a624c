"""Bias audit (Local Law 144 style): selection and scoring rates, impact ratios, small categories, exports."""
from __future__ import annotations

import csv
import io

import pytest

from reports.audit import INTERSECTION, bias_audit, decide_with_audit
from reports.cohort import Cohort, CohortEntry, SessionFacts, read_groups_file
from reports.render_audit import render_audit_csv, render_audit_md, render_audit_section
from voice.errors import VivavoceError


def entry(name: str, score: int, decision: str) -> CohortEntry:
    return CohortEntry(folder=f"out/{name}", candidate=name, score=score, average_relevance=50.0,
                       recommendation="yes", decision=decision)


def audit_of(entries, categories, facts=()):
    cohort = Cohort(pass_rate=0.5, pass_count=sum(e.decision == "pass" for e in entries), entries=tuple(entries))
    return bias_audit(cohort, categories, facts, audit_date="2025-06-01", vivavoce_version="0.1.0",
                      data_source="self-reported categories in groups.csv")


def crafted():
    # 4 women (2 pass), 4 men (3 pass); scores 10..80, median 45
    women = [entry("w1", 80, "pass"), entry("w2", 30, "pass"), entry("w3", 20, "fail"), entry("w4", 10, "fail")]
    men = [entry("m1", 70, "pass"), entry("m2", 60, "pass"), entry("m3", 50, "pass"), entry("m4", 40, "fail")]
    categories = {"w1": {"sex": "Female", "race_ethnicity": "Asian"}, "w2": {"sex": "Female", "race_ethnicity": "White"},
                  "w3": {"sex": "Female"}, "w4": {"sex": "Female", "race_ethnicity": "White"},
                  "m1": {"sex": "Male", "race_ethnicity": "White"}, "m2": {"sex": "Male", "race_ethnicity": "Asian"},
                  "m3": {"sex": "Male", "race_ethnicity": "White"}, "m4": {"sex": "Male", "race_ethnicity": "Asian"}}
    return women + men, categories


def table(audit, dimension):
    return {r.category: r for r in next(t for t in audit.tables if t.dimension == dimension).rows}


def test_selection_and_scoring_rates_and_impact_ratios_by_sex():
    entries, categories = crafted()
    audit = audit_of(entries, categories)
    sex = table(audit, "sex")
    assert (sex["Female"].selected, sex["Female"].decided, sex["Female"].selection_rate) == (2, 4, 0.5)
    assert sex["Male"].selection_rate == 0.75 and sex["Male"].selection_impact_ratio == 1.0
    assert sex["Female"].selection_impact_ratio == pytest.approx(0.6667)
    # median 45: one woman (80) and three men (70, 60, 50) score above it
    assert audit.metadata.median_score == 45
    assert (sex["Female"].above_median, sex["Female"].scoring_rate) == (1, 0.25)
    assert sex["Male"].scoring_rate == 0.75 and sex["Female"].scoring_impact_ratio == pytest.approx(0.3333)
    assert sex["Female"].below_four_fifths and not sex["Male"].below_four_fifths
    assert any("Sex 'Female': selection impact ratio 0.67" in w for w in audit.warnings)


def test_intersections_and_unknown_categories_are_counted():
    entries, categories = crafted()
    audit = audit_of(entries, categories)
    assert [t.dimension for t in audit.tables] == ["sex", "race_ethnicity", INTERSECTION]
    unknown = {t.dimension: t.unknown for t in audit.tables}
    assert unknown == {"sex": 0, "race_ethnicity": 1, INTERSECTION: 1}
    both = table(audit, INTERSECTION)
    assert set(both) == {"Female x Asian", "Female x White", "Male x Asian", "Male x White"}
    assert (both["Male x White"].applicants, both["Male x White"].selection_rate) == (2, 1.0)
    assert both["Female x White"].selection_impact_ratio == 0.5
    assert any("Race/ethnicity: 1 of 8 candidates have no known category" in w for w in audit.warnings)


def test_a_category_under_two_percent_is_shown_but_kept_out_of_the_ratios():
    # 50 candidates in A (25 pass) and one in B who passes: B is 1/51 < 2 %
    entries = [entry(f"a{i}", 100 - i, "pass" if i < 25 else "fail") for i in range(50)] + [entry("b0", 99, "pass")]
    categories = {**{f"a{i}": {"group": "A"} for i in range(50)}, "b0": {"group": "B"}}
    rows = table(audit_of(entries, categories), "group")
    assert rows["B"].selection_rate == 1.0 and rows["B"].selection_impact_ratio is None
    assert "under 2 %" in rows["B"].excluded and "1 of 51" in rows["B"].excluded
    # A is the reference, not B's higher rate
    assert rows["A"].selection_impact_ratio == 1.0 and not rows["A"].excluded


def test_undecided_candidates_are_applicants_but_not_in_the_selection_rate():
    entries = [entry("a", 80, "pass"), entry("b", 60, "insufficient_evidence"), entry("c", 20, "fail")]
    audit = audit_of(entries, {k: {"group": "G"} for k in "abc"})
    row = table(audit, "group")["G"]
    assert (row.applicants, row.decided, row.selection_rate) == (3, 2, 0.5)
    assert audit.metadata.decided == 2 and any("neither passed nor failed" in w for w in audit.warnings)


def test_metadata_names_the_window_the_models_and_the_scorer():
    entries, categories = crafted()
    facts = [SessionFacts(date="2025-05-03T10:00:00", models=("speech-to-text: tiny.en",), scorer="offline scorer"),
             SessionFacts(date="2025-04-28T09:00:00", models=("speech-to-text: base", "speech-to-text: tiny.en")),
             SessionFacts()]
    meta = audit_of(entries, categories, facts).metadata
    assert (meta.first_session, meta.last_session) == ("2025-04-28T09:00:00", "2025-05-03T10:00:00")
    assert meta.models == ("speech-to-text: base", "speech-to-text: tiny.en") and meta.scorers == ("offline scorer",)
    assert (meta.sessions, meta.audit_date, meta.vivavoce_version) == (8, "2025-06-01", "0.1.0")


def test_csv_export_reads_back():
    entries, categories = crafted()
    rows = list(csv.DictReader(io.StringIO(render_audit_csv(audit_of(entries, categories)))))
    meta = {r["category"]: r["note"] for r in rows if r["table"] == "metadata"}
    assert meta["sessions"] == "8" and meta["audit date"] == "2025-06-01" and "groups.csv" in meta["data source"]
    female = next(r for r in rows if r["table"] == "sex" and r["category"] == "Female")
    assert (female["selection_rate"], female["selection_impact_ratio"], female["below_four_fifths"]) == \
        ("0.5000", "0.6667", "yes")
    assert next(r for r in rows if r["table"] == "race_ethnicity" and r["category"] == "unknown")["applicants"] == "1"


def test_renderers_escape_category_text():
    entries, categories = crafted()
    categories["w1"] = {"sex": "<script>x</script>|"}
    audit = audit_of(entries, categories)
    assert "<script>" not in render_audit_section(audit) and "&lt;script&gt;" in render_audit_section(audit)
    assert "<script>" not in render_audit_md(audit)


def test_groups_file_with_sex_and_race_columns(tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text("candidate,sex,race/ethnicity\nJane Doe,Female,Asian\nBob,Male,declined\nAl,,White\n")
    assert read_groups_file(path) == {"jane doe": {"sex": "Female", "race_ethnicity": "Asian"},
                                      "bob": {"sex": "Male"}, "al": {"race_ethnicity": "White"}}
    bad = tmp_path / "bad.csv"
    bad.write_text("candidate,age\nJane,40\n")
    with pytest.raises(VivavoceError, match="no group, sex or race_ethnicity column"):
        read_groups_file(bad)


def test_decide_with_audit_keeps_the_cohort_rules():
    entries, categories = crafted()
    scored = [(CohortEntry(e.folder, e.candidate, e.score, 50.0, "yes"), SessionFacts()) for e in entries]
    cohort, audit = decide_with_audit(scored, 0.5, categories, audit_date="2025-06-01", data_source="test")
    assert [e.score for e in cohort.entries if e.decision == "pass"] == [80, 70, 60, 50]
    assert table(audit, "sex")["Female"].selection_rate == 0.25
    assert decide_with_audit(scored, 0.5, None, audit_date="x", data_source="")[1] is None
