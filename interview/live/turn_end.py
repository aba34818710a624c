"""Is the answer over? The turn model's probability and the running transcript, decided together.

Smart Turn hears intonation and words, but a flat voice ending on "and" can sound finished, and a
finished sentence said quietly can sound open. The transcript of the words before the pause settles
what the audio leaves open: a trailing "and", "so", "because", a filler or an unfinished clause
holds the turn whatever the audio says (a full stop after "at" or "is" too); a sentence that ends
with a full stop lets a lower probability end it. The words before the pause come from a quick draft
(voice.draft) about 0.1 s after the model's first answer, and the answer waits for them: the model was
measured sure of clauses broken off mid-thought. Where the words say nothing either way, the model's
later answers in the pause (it grows surer as the silence lasts) end the answer before the longest pause.
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
    # the model alone ends an answer at this probability of a complete turn, once the words before
    # the pause are in and say nothing either way
    complete_threshold: float = 0.5
    # ... and this one while those words are still being transcribed (they may say "and"); None: wait
    # for them. Measured on espeak-ng answers, Smart Turn was this sure (0.94, 0.97) of clauses broken
    # off mid-thought, and a draft of the words arrives ~0.1 s after the model's answer
    confident_threshold: float | None = None
    # a transcript that ends a sentence ends it at this lower one
    complete_with_text_threshold: float = 0.05
    # no answer ends on a shorter pause, whatever the model and the words say: a comma's breath is
    # 0.2-0.3 s (espeak-ng's at 160 wpm: 0.19 s of quiet), and a quick draft hears "We disagreed about
    # deadlines, so I listened" cut there as a finished "We disagreed about deadlines."
    min_end_pause_ms: int = 400


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
    if last in ("!", "?"):
        return "complete"
    # whisper closes a clause broken off on a falling voice with a full stop ("I looked at."), a quick
    # draft more so; a finished answer rarely ends on these words, and holding one costs at most the
    # longest pause, where cutting a thinking candidate off is the worse mistake
    if word in RARELY_LAST:
        return "continue"
    return "complete" if last == "." else None


def turn_complete(probability: float, cue: Cue | None, text_pending: bool = False,
                  options: TurnOptions = TurnOptions(), *, pause_ms: float) -> bool:
    """`cue`: what the last words say, None when they say nothing or are `text_pending` (still
    being transcribed); `pause_ms`: the silence so far."""
    if pause_ms < options.min_end_pause_ms or cue == "continue":
        return False
    if cue == "complete":
        return probability >= options.complete_with_text_threshold
    if text_pending:
        return options.confident_threshold is not None and probability >= options.confident_threshold
    return probability >= options.complete_threshold
