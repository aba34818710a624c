"""Plain-text evidence in an answer: sentences, figures, named tools, examples, hedging, fillers.

Pure functions over strings, so the scorer's reasons can be shown verbatim and tested without models.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
_NUMERIC = re.compile(r"[\d.,%]+[A-Za-z]{0,2}")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'.-]*[A-Za-z0-9+#]|[A-Za-z]")

NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
                "sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|half")
_FIGURE = re.compile(rf"\b\d(?:[\d,.]*\d)?(?:\s?(?:%|percent|ms|x|k|gb|tb|mb)\b)?|\b({NUMBER_WORDS})\b", re.I)

HEDGES = ("i'm not sure", "i don't really know", "i am not sure", "not sure", "i don't know", "i do not know", "no idea", "i guess",
          "maybe", "i think", "kind of", "sort of", "probably", "i'm not really", "not really", "i can't remember",
          "i don't remember", "i forget", "something like that", "or something", "i suppose", "perhaps",
          "not entirely sure", "to be honest", "hard to say")
DONT_KNOW = ("i don't know", "i do not know", "i don't really know", "i do not really know", "no idea", "not sure", "can't think of", "cannot think of",
             "don't remember", "never done", "haven't done", "have not done", "not familiar")
FILLERS = ("um", "uh", "erm", "er", "hmm", "like", "you know", "i mean")
EXAMPLE_MARKERS = ("for example", "for instance", "in my last", "at my last", "in my previous", "at my previous",
                   "one time", "in one project", "on one project", "in a project", "on a project", "we built",
                   "i built", "i designed", "i implemented", "i wrote", "i led", "we deployed", "i deployed",
                   "we had", "our team", "at work", "in production", "last year", "my internship",
                   "during my", "i set up", "we migrated", "i migrated", "i reduced", "we reduced")
# Sentence-initial capitals are not tool names; these common words are not either.
_NOT_TOOLS = {"I", "I'm", "I've", "I'd", "We", "So", "And", "But", "Then", "The", "A", "An", "It", "In", "On",
              "At", "For", "My", "Our", "This", "That", "When", "After", "Also", "First", "Second", "Finally",
              "Yes", "No", "Well", "Um", "Uh", "If", "To", "Or", "With", "As", "Because", "Basically",
              "Monday", "Friday", "English"}


def sentences(text: str) -> list[str]:
    """Split into sentences, keeping each exactly as written (a verbatim substring of `text`)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    return parts or ([text.strip()] if text.strip() else [])


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def count_phrases(text: str, phrases: tuple[str, ...]) -> int:
    lowered = " " + re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")) + " "
    return sum(len(re.findall(rf"(?<=\s){re.escape(p)}(?=\s)", lowered)) for p in phrases)


def figures(text: str) -> list[str]:
    return [m.group(0) for m in _FIGURE.finditer(text)]


def named_tools(text: str) -> list[str]:
    """Capitalised or mixed-case terms that are not sentence starts: XGBoost, Airflow, AWS, S3."""
    found: dict[str, None] = {}
    for sentence in sentences(text):
        tokens = sentence.split()
        for i, token in enumerate(tokens):
            token = token.strip(".,;:!?()\"'")
            if not token or token in _NOT_TOOLS or _NUMERIC.fullmatch(token):
                continue
            mixed = any(c.isupper() for c in token[1:]) or any(c.isdigit() for c in token)
            capital = token[0].isupper() and i > 0
            if (mixed or capital) and len(token) > 1 and token.isascii():
                found.setdefault(token, None)
    return list(found)


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

    @property
    def hedge_rate(self) -> float:
        """Hedges per sentence."""
        return self.hedges / max(1, self.sentence_count)


def text_evidence(text: str) -> TextEvidence:
    return TextEvidence(
        word_count=len(words(text)),
        sentence_count=len(sentences(text)),
        figures=tuple(figures(text)),
        tools=tuple(named_tools(text)),
        example_markers=count_phrases(text, EXAMPLE_MARKERS),
        hedges=count_phrases(text, HEDGES),
        dont_know=count_phrases(text, DONT_KNOW),
        fillers=count_phrases(text, FILLERS),
    )


_STOP = set("""a an the and or but if of to in on at for with by from as is are was were be been being it its this that
these those i you he she we they me my our your their them us do does did done have has had having not no so
than then there here what which who whom how why when where can could would should will shall may might must
about into over under more most some any each every all both few many much other such own same very just also
up out off only too again further once e g eg etc like make use using used""".split())


def content_words(text: str) -> set[str]:
    """Lower-cased content words, crudely stemmed, for lexical overlap with rubric points."""
    out = set()
    for w in words(text.lower()):
        w = w.strip(".'-")
        if len(w) < 3 or w in _STOP:
            continue
        for suffix in ("ing", "ed", "es", "s", "ly"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 4:
                w = w[: -len(suffix)]
                break
        out.add(w)
    return out
