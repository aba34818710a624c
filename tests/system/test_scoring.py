"""The offline scorer with the real MiniLM embeddings: the shipped example's answers (issue 13's cases),
off-topic and "I don't know" answers."""
import pytest

from nlp.scoring import OfflineScorer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def scorer(embedder):
    return OfflineScorer(embedder)


OVERFIT = ("How do you keep a model from overfitting? Walk me through what you actually do.",
           ("regularization such as weight decay or dropout", "a held-out validation set and early stopping",
            "more data or data augmentation", "cross-validation to estimate generalisation"))
PIPELINE = ("Tell me about a data pipeline you built to prepare training data. How did you make it reliable?",
            ("data validation or quality checks", "re-runnable, idempotent processing", "orchestration or scheduling",
             "monitoring failures"))
DISAGREE = ("Tell me about a time you disagreed with a teammate about a technical decision.",
            ("explains the disagreement concretely", "listens and uses data to decide", "a constructive outcome"))


def test_paraphrased_coverage_in_the_shipped_example(scorer):
    # as whisper tiny.en hears examples/ml-engineer (its mistakes included)
    a = scorer.score(*OVERFIT, "In my last project, I trained on image class if I were in PyTorch on about 20,000 "
                               "pictures. I added dropout and weight decay, kept a held out validation set, and used "
                               "early stopping on the validation loss. I also augmented the images with lips and "
                               "random crops.")
    assert "more data or data augmentation" in a.covered
    b = scorer.score(*PIPELINE, "During my internship, I built a feature pipeline with Airflow and SQL. It ran every "
                                "night. I added some checks on the road count. It mostly worked. Sometimes it failed "
                                "and we ran it by hand.")
    assert {"data validation or quality checks", "orchestration or scheduling"} <= set(b.covered)
    # a failure fixed by hand is not monitoring, and is not quoted as if it were
    assert "monitoring failures" in b.missed and "Sometimes it failed and we ran it by hand." not in b.quotes


def test_a_behavioural_answer_with_situation_action_and_result_covers_its_rubric(scorer):
    a = scorer.score(*DISAGREE, "A teammate wanted to use a deep network for a small tabular data set, and I "
                                "preferred gradient-boosting. We agreed to compare both on the same validation split. "
                                "Boosting was better and faster, so we used it, and he added the network as a "
                                "baseline in our report.")
    assert len(a.covered) == 3 and a.score >= 3


def test_a_specific_story_far_from_the_question_in_meaning_keeps_its_shape(scorer):
    # MiniLM puts a concrete story far from an abstract behavioural question; its shape still counts
    question = "Tell me about a time you pushed back on a team that wanted to ship something you thought was risky."
    rubric = ("describe the risk and the context", "how the case was made with evidence", "the decision or outcome",
              "what was learned")
    story = ("Last year the payments team wanted to switch to a new card provider the week before Black Friday. I was "
             "worried because the new integration had never handled more than a tenth of our peak. I ran a load test "
             "at expected peak and showed them the provider timed out at sixty percent of it. We agreed to route only "
             "five percent of payments to the new provider until January. The cutover in January went smoothly.")
    empty = ("I believe strongly in ownership and in a culture where people feel safe to speak up. Good communication, "
             "empathy and a learning mindset are what make a great engineer, and I always bring a positive attitude.")
    a, b = scorer.score(question, rubric, story), scorer.score(question, rubric, empty)
    assert a.relevance < 50 and "situation, action, result" in a.justification
    assert a.quality > b.quality + 0.2


def test_off_topic_answer_scores_low_even_when_long(scorer):
    question, rubric = "How do you keep a model from overfitting?", ("regularization", "validation set")
    rambling = ("I really love hiking in the mountains with my two dogs. Last summer we walked for 12 days "
                "through the Alps, and I carried a 15 kilogram backpack. The views were amazing and the food "
                "in the huts was excellent, especially the cheese.")
    on_topic = "I use dropout and weight decay, and early stopping on a validation set."
    off, on = scorer.score(question, rubric, rambling), scorer.score(question, rubric, on_topic)
    assert off.relevance < 30 < on.relevance and off.score < on.score


def test_dont_know_is_flagged_struggled(scorer):
    a = scorer.score("How do you monitor a model in production?", (),
                     "Um, I don't really know, to be honest. Maybe look at it sometimes?")
    assert "struggled" in a.flags and a.score == 1 and "did not know" in a.justification


def test_token_vectors_carry_their_spans_and_pool_to_the_sentence_vector(embedder):
    import numpy as np

    text = "I augmented the images with flips and random crops."
    pieces = embedder.embed_tokens([text])[0]
    assert "".join(text[a:b] for a, b in pieces.spans).replace("##", "") == text.replace(" ", "")
    assert np.allclose(np.linalg.norm(pieces.vectors, axis=1), 1.0, atol=1e-4)
    assert "augment" in text[pieces.spans[1][0]:pieces.spans[1][1]]


def test_a_story_about_something_else_does_not_join_a_behavioural_answer(scorer):
    # any short story is near "Tell me about a time ..." in MiniLM's meaning (the rain: cosine 0.21 with this
    # question, which let it into the story before round 3); it must be nearer to what the question asks about
    vague = ("I don't really remember a specific time, to be honest. I think teammates disagree quite often about "
             "technical things, and usually it works out.")
    for chat in ("It was raining hard that morning, so I took the bus instead of cycling.",
                 "That evening I cooked dinner for my parents, and we watched a film together."):
        before, after = scorer.score(*DISAGREE, vague), scorer.score(*DISAGREE, vague + " " + chat)
        assert after.quality <= before.quality + 0.005 and after.score <= before.score, chat
        assert "told as no situation, action, result or learning" in after.justification
