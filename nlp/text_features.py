"""The one home of what the project knows about plain text: sentences, words, stop words, hedges, fillers,
"I don't know", figures, named tools, distinctive terms and the cues of a behavioural (STAR) answer.

Pure functions over strings, so the scorer's reasons can be shown verbatim and tested without models.
The scorer, the follow-up rules, the voice channel's filler rate and the report's communication
section all count from here, so one report never counts fillers two ways.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

# a sentence ends at . ! ? before a capital, digit or quote, or at a line break (resume bullets)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])|\s*\n+\s*")
_NUMERIC = re.compile(r"[\d.,%]+[A-Za-z]{0,2}")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'.-]*[A-Za-z0-9+#]|[A-Za-z]")

NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
                "sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|half")
_FIGURE = re.compile(rf"\b\d(?:[\d,.]*\d)?(?:\s?(?:%|percent|ms|x|k|gb|tb|mb)\b)?|\b({NUMBER_WORDS})\b", re.I)

HEDGES = ("i'm not sure", "i don't really know", "i am not sure", "not sure", "i don't know", "i do not know", "no idea",
          "i guess", "maybe", "i think", "kind of", "sort of", "probably", "i'm not really", "not really",
          "i can't remember", "i don't remember", "i forget", "something like that", "or something", "i suppose",
          "perhaps", "not entirely sure", "to be honest", "hard to say")
_DONT_KNOW = re.compile(
    r"\b(i\s*(?:do\s*n[o']?t|dont|don't)\s+(?:really\s+)?know|not\s+(?:entirely\s+|really\s+|quite\s+)?sure"
    r"|no\s+idea|can(?:no|')?t\s+(?:think\s+of|remember|recall)|never\s+(?:done|used|worked\s+with)"
    r"|not\s+familiar|have\s*n[o']?t\s+(?:really\s+)?(?:done|used|worked))", re.IGNORECASE)
# Fillers and verbal tics. "like" is one only where speech marks it ("like, um"), not in "I like Python".
_FILLER = re.compile(r"\b(?:u+m+|u+h+m*|e+r+m+|e+h+|h+m+|mm+|ah+)\b|\blike,|\byou know\b|\bi mean\b|\bkind of\b"
                     r"|\bsort of\b", re.I)
EXAMPLE_MARKERS = ("for example", "for instance", "in my last", "at my last", "in my previous", "at my previous",
                   "one time", "in one project", "on one project", "in a project", "on a project", "we built",
                   "i built", "i designed", "i implemented", "i wrote", "i led", "we deployed", "i deployed",
                   "we had", "our team", "at work", "in production", "last year", "my internship",
                   "during my", "i set up", "we migrated", "i migrated", "i reduced", "we reduced")
# Words that give a reason or weigh an option: depth is the why, not the word count.
REASON_MARKERS = ("because", "so that", "instead of", "rather than", "trade-off", "trade off", "tradeoff",
                  "which means", "otherwise", "the reason", "at the cost of", "in exchange", "the downside",
                  "the risk", "unless", "which is why", "that is why", "that's why")

# Capitalised words that are never tools: sentence glue, days, months.
_NOT_TOOLS = {"I", "I'm", "I've", "I'd", "I'll", "We", "So", "And", "But", "Then", "The", "A", "An", "It", "In", "On",
              "At", "For", "My", "Our", "This", "That", "When", "After", "Also", "First", "Second", "Third",
              "Finally", "Yes", "No", "Well", "Um", "Uh", "If", "To", "Or", "With", "As", "Because", "Basically",
              "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
              "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
              "English", "Mr", "Mrs", "Ms", "Dr", "OK", "Okay"}

STOP_WORDS = frozenset("""a an the and or but if of to in on at for with by from as is are was were be been being it its
this that these those i you he she we they me my our your their them us do does did done have has had having not no
so than then there here what which who whom how why when where can could would should will shall may might must
about into over under more most some any each every all both few many much other such own same very just also
up out off only too again further once e g eg etc like make use using used get got really thing things lot
im i'm it's that's don't didn't we'd i'd i've we've you'd""".split())


def sentences(text: str) -> list[str]:
    """Sentences (and lines) of a text, each exactly as written: a verbatim substring of `text`."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    return parts or ([text.strip()] if text.strip() else [])


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def count_phrases(text: str, phrases: tuple[str, ...]) -> int:
    """Occurrences of the phrases, longest first, so "I'm not sure" is one hedge and not two."""
    lowered = " " + re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")) + " "
    count = 0
    for phrase in sorted(phrases, key=len, reverse=True):
        lowered, n = re.subn(rf"(?<=\s){re.escape(phrase)}(?=\s)", "|", lowered)
        count += n
    return count


def hedge_count(text: str) -> int:
    return count_phrases(text, HEDGES)


def filler_count(text: str) -> int:
    """Fillers and tics (um, uh, hmm, "you know", "I mean", "like,", "kind of"), as the voice channel and the
    report both count them."""
    return len(_FILLER.findall(text.replace("’", "'")))


def dont_know_count(text: str) -> int:
    """How often the speaker says they do not know, have not done it, or cannot remember."""
    return len(_DONT_KNOW.findall(text.replace("’", "'")))


def figures(text: str) -> list[str]:
    return [m.group(0) for m in _FIGURE.finditer(text)]


def named_tools(text: str) -> list[str]:
    """Capitalised or mixed-case terms that are not sentence starts: XGBoost, Airflow, AWS, S3.

    People's and places' names look the same; whoever counts a tool as evidence checks that it bears
    on the question.
    """
    found: dict[str, None] = {}
    for sentence in sentences(text):
        tokens = sentence.split()
        for i, token in enumerate(tokens):
            token = token.strip(".,;:!?()\"'")
            if not token or token in _NOT_TOOLS or _NUMERIC.fullmatch(token):
                continue
            mixed = is_jargon(token)
            capital = token[0].isupper() and i > 0
            if (mixed or capital) and len(token) > 1 and token.isascii():
                found.setdefault(token, None)
    return list(found)


def is_jargon(term: str) -> bool:
    """Shaped like a technical name: inner capitals or digits (XGBoost, S3) or an acronym (AWS, SQL)."""
    return any(c.isupper() for c in term[1:]) or any(c.isdigit() for c in term)


def distinctive_terms(text: str, limit: int = 40) -> tuple[str, ...]:
    """Jargon-like terms (XGBoost, FastAPI, Airflow, SQL, S3), in order of first appearance."""
    return tuple(named_tools(text)[:limit])


@dataclass(frozen=True)
class TextEvidence:
    word_count: int
    sentence_count: int
    figures: tuple[str, ...]
    tools: tuple[str, ...]
    example_markers: int
    hedges: int
    dont_know: int
    fillers: int


def answer_evidence(text: str) -> TextEvidence:
    """The countable specifics of one answer."""
    return TextEvidence(
        word_count=len(words(text)),
        sentence_count=len(sentences(text)),
        figures=tuple(figures(text)),
        tools=tuple(named_tools(text)),
        example_markers=count_phrases(text, EXAMPLE_MARKERS),
        hedges=hedge_count(text),
        dont_know=dont_know_count(text),
        fillers=filler_count(text),
    )


_SUFFIXES = tuple(sorted(("ations", "ation", "ments", "ment", "ness", "ings", "ures", "ing", "ies", "ied", "ers",
                          "ure", "ate", "ive", "ize", "ise", "er", "ed", "es", "al", "ly", "at", "s"), key=len,
                         reverse=True))


def stem(word: str) -> str:
    """A crude stem, so 'augmented' and 'augmentation', 'checks' and 'check', 'validate' and 'validation' meet."""
    w = word.lower().strip(".'-")
    for _ in range(3):
        cut = next((s for s in _SUFFIXES if w.endswith(s) and len(w) - len(s) >= 4
                    and not (s == "s" and w.endswith("ss"))), None)
        if cut is None:
            break
        w = w[: -len(cut)]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


# What common tools and phrases are *for*, so "Airflow ran it every night" meets "orchestration or scheduling"
# and "a load test with Locust" meets "load testing". Matched on lower-case word boundaries.
CONCEPTS = {
    "airflow": "orchestration scheduling workflow", "dagster": "orchestration scheduling", "prefect":
    "orchestration scheduling", "luigi": "orchestration scheduling", "cron": "scheduling scheduled",
    "every night": "scheduling scheduled", "nightly": "scheduling scheduled", "every morning": "scheduling scheduled",
    "every hour": "scheduling scheduled", "hourly": "scheduling scheduled", "on a schedule": "scheduling",
    "docker": "container packaging image", "kubernetes": "container orchestration deployment",
    "fastapi": "api serving endpoint", "flask": "api serving endpoint", "grpc": "api serving",
    "mlflow": "tracking versioning registry experiments", "dvc": "data versioning", "model registry": "versioning",
    "great expectations": "validation quality checks", "pandera": "validation schema checks",
    "dbt tests": "validation quality checks tests", "prometheus": "monitoring metrics alerts",
    "grafana": "dashboards monitoring", "datadog": "monitoring dashboards alerts", "pagerduty": "alerts alerting",
    "paged": "alerts alerting", "on-call": "alerts alerting", "slack alert": "alerts alerting",
    "locust": "load testing latency", "jmeter": "load testing latency", "k6": "load testing latency",
    "kafka": "streaming events", "flink": "streaming events", "spark": "distributed processing",
    "pytest": "tests testing", "unit tests": "testing", "terraform": "infrastructure code", "sentry": "errors monitoring",
    "backfill": "rerun re-runnable", "rerun": "re-runnable", "upsert": "idempotent", "overwrites": "idempotent",
    "p95": "latency", "p99": "latency", "milliseconds": "latency",
    "flips": "augmentation", "random crops": "augmentation", "back-translation": "augmentation",
    "psi": "drift", "population stability": "drift",
}
_CONCEPT = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(CONCEPTS, key=len, reverse=True)) + r")\b")


def concept_words(text: str) -> set[str]:
    """Stems of what the tools and phrases named in `text` are for (see CONCEPTS)."""
    return set().union(*concept_terms(text).values())


def concept_terms(text: str) -> dict[str, set[str]]:
    """Each tool or phrase named in `text` (see CONCEPTS), with the stems of what it is for."""
    return {found: content_words(CONCEPTS[found]) for found in _CONCEPT.findall(text.lower())}


def content_words(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stop words, nothing under three letters)."""
    return {stem(w) for w in words(text.lower()) if len(w.strip(".'-")) >= 3 and w.strip(".'-") not in STOP_WORDS}


def function_word_share(text: str) -> float:
    """Share of stop words: about half in explained speech, near none in a bare list of keywords."""
    ws = [w.lower() for w in words(text)]
    return sum(w in STOP_WORDS for w in ws) / len(ws) if ws else 0.0


# Cues of a behavioural answer told in STAR shape: a situation, the speaker's own actions, a result, a lesson.
BEHAVIOURAL_QUESTION = re.compile(
    r"\b(tell me about a time|describe a (?:time|situation)|give (?:me )?an example of a time|a time (?:when|you)"
    r"|walk me through a (?:time|situation)|have you ever|how did you handle|what did you do when)\b", re.I)
_IRREGULAR_PAST = ("was|were|had|did|made|took|got|went|saw|found|wrote|built|ran|told|gave|kept|led|sent|set|put|chose"
                   "|won|lost|grew|fell|rose|began|brought|thought|caught|taught|held|met|paid|said|spent|stood|knew|left"
                   "|felt|heard|meant|came|became|broke|drew|drove|forgot|hid|shut|split|sat|spoke|struck|threw|woke"
                   "|cut|let|quit|read|shipped")
_PAST = rf"(?:{_IRREGULAR_PAST}|[a-z]{{2,}}ed)"
_FIRST_PERSON = r"\b(?:i|we|my|our|me|us)\b"
STAR_CUES = {
    "situation": re.compile(rf"^(?=.*{_FIRST_PERSON}|.*\b(?:a|my|our)\s+(?:teammate|colleague|manager|lead|client)\b)"
                            rf"(?=.*\b{_PAST}\b)", re.I),
    "action": re.compile(rf"\b(?:i|we)\s+(?:\w+\s+){{0,2}}?{_PAST}\b", re.I),
    "result": re.compile(r"\b(?:so we|in the end|as a result|ended up|which meant|the outcome|it worked|we shipped|"
                         r"we chose|we went with|we used it|was adopted|went from|dropped|fell|rose|improved|cut|"
                         r"saved|reduced|won|since then|afterwards|turned out|stayed|started using|agreed to)\b", re.I),
    "learning": re.compile(r"\b(?:i learned|i learnt|taught me|lesson|next time|i would now|i'd now|in hindsight|"
                           r"looking back|since then i|i now|what i took away|would do differently|i realised|"
                           r"i realized|if i did it again)\b", re.I),
}
# Not an event of a story: a claim of experience ("I have used most of them", "I've worked with many teams") or a
# state in the present ("I am interested in", "you are required to")
_NOT_AN_EVENT = re.compile(rf"\b(?:have|has|'ve|’ve|am|are|is|'m|’m|'re|’re)\s+"
                           rf"(?:(?:not|never|always|also|often|already|just|really|mostly|very|so)\s+)*"
                           rf"(?:been\s+)?{_PAST}\b", re.I)
# Words that tell when, how often, how much or how, not who or what: they link no sentence of a story to another
# ("the week before Black Friday" and "two weeks at the seaside" share a time, not an actor or an object)
_NOT_A_LINK = frozenset(content_words(
    "time times day days week weeks month months year years morning afternoon evening night nights weekend "
    "summer winter spring autumn hour hours minute minutes today yesterday tomorrow last next once ago later "
    "earlier before after during while first second third " + NUMBER_WORDS.replace("|", " ")
    + " instead hard still even really quite almost always never often already just away"))
_EVENT_WORD = re.compile(rf"^{_PAST}$")


def story_links(sentence: str) -> set[str]:
    """What a sentence of a story can share with another to be part of the same story: its actors and objects
    (content words), not its times, amounts, manner or verbs of past events ("took", "talked")."""
    return {s for w in words(sentence.lower()) if not _EVENT_WORD.match(w.strip(".'-"))
            for s in content_words(w)} - _NOT_A_LINK


# which STAR part a behavioural rubric point asks for ("a constructive outcome" -> result)
_STAR_OF_POINT = (
    ("situation", re.compile(r"\b(?:describ|situation|context|disagree|problem|failure|audience|conflict|challenge)",
                             re.I)),
    ("learning", re.compile(r"\b(?:learn|prevent|afterwards|differently|lesson|changed|reflect)", re.I)),
    ("result", re.compile(r"\b(?:outcome|result|fix|decision|resolution|impact|followed|resolved)", re.I)),
    ("action", re.compile(r"\b(?:action|listen|uses?\b|adapt|restore|communicat|explain|decid|check|invit|"
                          r"approach|steps|handled)", re.I)),
)


def star_parts(text: str | Sequence[str]) -> dict[str, str]:
    """For each STAR part the answer (a text, or its sentences) shows, the first sentence that shows it (verbatim)."""
    found: dict[str, str] = {}
    for sentence in (sentences(text) if isinstance(text, str) else text):
        told = _NOT_AN_EVENT.sub(" ", sentence)
        for part, cue in STAR_CUES.items():
            if part not in found and cue.search(told):
                found[part] = sentence
    return found


def star_part_of(point: str) -> str | None:
    """The STAR part a behavioural rubric point asks about, if it names one."""
    return next((part for part, cue in _STAR_OF_POINT if cue.search(point)), None)
