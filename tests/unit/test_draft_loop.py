"""A draft that says its opening words again is cut there (voice.draft.without_loop)."""
from __future__ import annotations

import pytest

from voice.draft import without_loop


@pytest.mark.parametrize("text,kept", [
    ("So the tricky part was, uh, so the tricky part was, uh, so the", "So the tricky part was, uh,"),
    ("Um, I think the best example is, um, I THINK the best examples is, I", "Um, I think the best example is,"),
    ("I think, I think that we should", "I think, I think that we should"),       # two words: not a loop
    ("We shipped it on Friday.", "We shipped it on Friday."), ("", "")])
def test_a_loop_is_cut_where_the_opening_words_come_back(text, kept):
    assert without_loop(text) == kept
