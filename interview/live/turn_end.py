"""Is the answer over? The turn model's probability and the running transcript, decided together.

Smart Turn hears intonation and words, but a flat voice ending on "and" can sound finished, and a
finished sentence said quietly can sound open. The transcript of the words before the pause settles
what the audio leaves open: a trailing "and", "so", "because", a filler or an unfinished clause
holds the turn whatever the audio says; a sentence that ends with a full stop lets a lower
probability end it. The transcript of the last words arrives later than the model's first answer
(whisper takes about 0.6 s on two cores), so until then the audio decides alone, and only when it is confident.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from nlp.text_features import filler_count

Cue = Literal["continue", "complete"]

# words a sentence does not end on, whatever punctuation whisper put after them
NEVER_LAST = frozenset("""and or but so because since although though whereas plus than
the a an my our your their its of""".split())
# words a sentence rarely ends on: open unless whisper closed the sentence after them
RARELY_LAST = frozenset("""then also with without to for from by at in on into about over under between
through as like is are was were be been am will would can could should must have has had
i we they he she if unless until before after which who whose where when while""".split())
_TRAILING = re.compile(r"[A-Za-z']+|\.\.\.|…|[.,;:!?-]")


@dataclass(frozen=True)
class TurnOptions:
    # the model alone ends an answer at this probability of a complete turn
    complete_threshold: float = 0.5
    # ... and this one while the words before the pause are still being transcribed (they may say "and")
    confident_threshold: float = 0.92
    # a transcript that ends a sentence ends it at this lower one
    complete_with_text_threshold: float = 0.05


def text_cue(text: str) -> Cue | None:
    """What the last words say: 'continue' (an open clause, a filler, a trailing comma or ellipsis),
    'complete' (a full stop, question or exclamation mark after a word that can end a sentence), or
    None when the text says nothing (empty)."""
    tokens = _TRAILING.findall(text.strip())
    if not tokens:
        return None
    last = tokens[-1]
    if last in ("...", "…", ",", ";", ":", "-"):
        return "continue"
    word = next((t.lower() for t in reversed(tokens) if t[0].isalpha()), "")
    if word in NEVER_LAST or filler_count(word):
        return "continue"
    if last in (".", "!", "?"):
        return "complete"
    return "continue" if word in RARELY_LAST else None


def turn_complete(probability: float, cue: Cue | None, text_pending: bool = False,
                  options: TurnOptions = TurnOptions()) -> bool:
    """`cue`: what the last words say, None when they say nothing or are `text_pending` (still
    being transcribed)."""
    if cue == "continue":
        return False
    if cue == "complete":
        return probability >= options.complete_with_text_threshold
    return probability >= (options.confident_threshold if text_pending else options.complete_threshold)
