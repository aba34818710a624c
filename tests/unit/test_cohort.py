"""Cohort ranking, the ceil cut, ties, and four-fifths impact ratios."""
from __future__ import annotations

import pytest

from reports.cohort import CohortEntry, decide, impact_ratios, load_groups, pass_count
from reports.render_cohort import render_cohort_html, render_cohort_md
from voice.errors import VivavoceError


def entry(folder: str, score: int, relevance: float = 50.0, candidate: str | None = None) -> CohortEntry:
    return CohortEntry(folder=folder, candidate=candidate or folder, score=score, average_relevance=relevance,
                       recommendation="yes")


def test_seven_at_047_passes_top_four():
    entries = [entry(f"s{i}", score) for i, score in enumerate([55, 91, 12, 78, 64, 40, 83])]
    cohort = decide(entries, 0.47)
    assert cohort.pass_count == 4
    assert [e.score for e in cohort.entries if e.decision == "pass"] == [91, 83, 78, 64]
    assert [e.rank for e in cohort.entries] == list(range(1, 8))


@pytest.mark.parametrize("rate,n,expected", [(0.47, 7, 4), (0.5, 4, 2), (0.5, 5, 3), (1.0, 3, 3), (0.01, 10, 1),
                                             (0.3, 10, 3)])
def test_pass_count_is_ceil(rate, n, expected):
    assert pass_count(rate, n) == expected


@pytest.mark.parametrize("rate", [0.0, -0.1, 1.5])
def test_bad_pass_rate_is_a_user_error(rate):
    with pytest.raises(VivavoceError, match="pass rate"):
        pass_count(rate, 5)


def test_tie_at_cut_keeps_quota_breaks_by_relevance_and_is_reported():
    entries = [entry("a", 90), entry("b", 70, relevance=60), entry("c", 70, relevance=80), entry("d", 10)]
    cohort = decide(entries, 0.5)
    by = {e.folder: e for e in cohort.entries}
    assert by["c"].decision == "pass" and by["b"].decision == "fail" and by["b"].tied_at_cut
    assert any("tie at the cut" in w and "b" in w for w in cohort.warnings)


def test_impact_ratio_on_crafted_example():
    # group A: 4 of 5 pass (0.8); group B: 2 of 5 pass (0.4) -> B's ratio 0.5, below four-fifths
    scores_a, scores_b = [95, 90, 85, 80, 10], [88, 82, 20, 15, 5]
    entries = [entry(f"a{i}", s) for i, s in enumerate(scores_a)] + [entry(f"b{i}", s) for i, s in enumerate(scores_b)]
    groups = {**{f"a{i}": "A" for i in range(5)}, **{f"b{i}": "B" for i in range(5)}}
    cohort = decide(entries, 0.6, groups)
    impact = {g.group: g for g in cohort.groups}
    assert (impact["A"].passed, impact["B"].passed) == (4, 2)
    assert impact["A"].impact_ratio == 1.0 and impact["B"].impact_ratio == pytest.approx(0.5)
    assert impact["B"].below_four_fifths and not impact["A"].below_four_fifths
    assert any("group 'B'" in w and "four-fifths" in w for w in cohort.warnings)
    assert "Impact ratio" in render_cohort_md(cohort) and "0.50" in render_cohort_html(cohort)


def test_equal_rates_do_not_warn():
    entries = [entry("a1", 90), entry("a2", 10), entry("b1", 80), entry("b2", 20)]
    cohort = decide(entries, 0.5, {"a1": "A", "a2": "A", "b1": "B", "b2": "B"})
    assert all(g.impact_ratio == 1.0 for g in cohort.groups) and not cohort.warnings


def test_no_group_passed_gives_no_ratio():
    groups = impact_ratios([CohortEntry("x", "x", 1, 0, "no", decision="fail", group="A")])
    assert groups[0].impact_ratio is None and not groups[0].below_four_fifths


def test_groups_csv_with_header_and_bad_rows(tmp_path):
    good = tmp_path / "groups.csv"
    good.write_text("candidate,group\nJane Doe,A\nbob,B\n")
    assert load_groups(good) == {"jane doe": "A", "bob": "B"}
    bad = tmp_path / "bad.csv"
    bad.write_text("just-one-column\n")
    with pytest.raises(VivavoceError, match="candidate,group"):
        load_groups(bad)
    with pytest.raises(VivavoceError, match="not found"):
        load_groups(tmp_path / "missing.csv")


def test_cohort_html_escapes_candidate_names():
    cohort = decide([entry("s1", 50, candidate="<script>x</script>")], 0.5)
    assert "<script>x" not in render_cohort_html(cohort)


def test_a_session_with_no_usable_answer_is_neither_passed_nor_failed():
    empty = CohortEntry(folder="silent", candidate="Sam", score=None, average_relevance=0.0,
                        recommendation="insufficient_evidence")
    entries = [entry("a", 90), entry("b", 40), empty]
    cohort = decide(entries, 0.5, groups={"a": "x", "b": "y", "sam": "x"})
    by = {e.folder: e for e in cohort.entries}
    # the quota is ceil(0.5 x 2 scored sessions): the empty session takes no place and fails no one
    assert cohort.pass_count == 1 and by["a"].decision == "pass" and by["b"].decision == "fail"
    assert by["silent"].decision == "insufficient_evidence" and by["silent"].rank == 0
    assert sum(g.total for g in cohort.groups) == 2
    assert any("silent" in w and "neither passed nor failed" in w for w in cohort.warnings)
    assert "insufficient_evidence" in render_cohort_md(cohort) and "n/a" in render_cohort_html(cohort)
