"""The one home of text knowledge: sentences, stems, hedges, fillers, tools, STAR cues, concepts."""
from __future__ import annotations

from nlp.passages import story_of
from nlp.text_features import (answer_evidence, concept_words, content_words, dont_know_count, filler_count,
                               function_word_share, hedge_count, named_tools, sentences, star_part_of, star_parts,
                               stem, story_links)


def test_sentences_are_verbatim_and_lines_split():
    assert sentences("One. Two! Three?") == ["One.", "Two!", "Three?"]
    text = "- Built a pipeline in Airflow\n- Cut costs by 3.5% in 2023. Led 4 people."
    assert sentences(text) == ["- Built a pipeline in Airflow", "- Cut costs by 3.5% in 2023.", "Led 4 people."]
    assert all(s in text for s in sentences(text))


def test_stems_meet_across_word_forms():
    assert stem("augmented") == stem("augmentation")
    assert stem("validate") == stem("validation") == stem("validated")
    assert stem("checks") == stem("check") and stem("monitoring") == stem("monitors")
    assert "augment" in content_words("I augmented the images") and "the" not in content_words("the images")


def test_evidence_counts_specifics_hedges_and_fillers():
    e = answer_evidence("I think we cut latency from 300 ms to 40 ms with Redis. Maybe. I built it at my last job.")
    assert e.figures and "Redis" in e.tools and e.example_markers >= 1 and e.hedges == 2
    assert named_tools("So we used Kafka and dbt with BigQuery on Monday.") == ["Kafka", "BigQuery"]
    assert filler_count("Um, so, uh, I mean I, like, built it, you know, hmm") == 6
    assert filler_count("I like Python and umbrellas") == 0
    assert hedge_count("I'm not sure, maybe") == 2 and dont_know_count("I haven't done that, no idea") == 2


def test_a_keyword_list_has_no_function_words():
    assert function_word_share("Dropout, weight decay, L2, early stopping") < 0.15
    assert function_word_share("I add dropout to the network because it has too few examples") > 0.3


def test_star_parts_and_what_a_behavioural_point_asks_for():
    story = ("At my internship a teammate wanted Spark and I preferred pandas. We benchmarked both on the real data. "
             "Pandas was fast enough, so we stayed with it. I learned to agree on the test first.")
    assert set(star_parts(story)) == {"situation", "action", "result", "learning"}
    assert star_parts("You should compare options on data and keep it constructive.") == {}
    assert star_part_of("a constructive outcome") == "result"
    assert star_part_of("explains the disagreement concretely") == "situation"
    assert star_part_of("what changed afterwards to prevent it") == "learning"


def test_tools_and_phrases_carry_what_they_are_for():
    assert {"orchestr", "schedul"} <= concept_words("It ran in Airflow every night")
    assert "load" in concept_words("a load test with Locust") and concept_words("Sarah in London") == set()


def test_a_claim_of_experience_is_not_an_event_and_a_story_keeps_to_its_topic():
    assert star_parts("There are many good tools for this and I have used most of them.") == {}
    assert star_parts("I have always liked it and I am really interested in it.") == {}
    told = ["A teammate wanted Spark for the pipeline and I preferred pandas.",
            "We had a sandwich before the meeting, then we walked to the park.",
            "We benchmarked pandas and Spark on the real pipeline data.",
            "Pandas was fast enough, so we stayed with it."]
    assert story_of(told, told[:1]) == [told[0], told[2], told[3]]


def test_a_time_an_amount_or_a_verb_links_no_story():
    told = ["The week before the launch, a teammate wanted to skip the load test.",
            "I ran the load test anyway and the service fell over at half the expected traffic.",
            "Two weeks later we spent a day at the lake with the kids."]
    assert story_links(told[2]) == {"lake", "kids"} and "week" not in story_links(told[0])
    assert story_of(told, told[:1]) == told[:2]
