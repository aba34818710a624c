"""The consent notice read to a candidate before a live interview, configurable per deployment.

A deployment sets `[interview] consent_notice` in its config file (see interview.config); without it
the default below says what is recorded, what is analysed, that emotion estimates are advisory and
never part of the recommendation, that a person makes the decision, and how to ask for deletion.
"""
from __future__ import annotations

from typing import Any, Mapping

DEFAULT_NOTICE = (
    "Before we start: this interview is recorded. Your spoken answers are saved as audio and transcribed "
    "to text. The text is compared with the questions' criteria to help the hiring team evaluate your "
    "answers. The system also estimates concentration, enthusiasm, interest and confidence from your voice "
    "and words; these estimates are advisory, can be wrong, and are not part of the recommendation. "
    "A person on the hiring team reviews the results and makes the decision. You may ask for your "
    "recordings and transcripts to be deleted. Do you agree to continue?"
)
MAX_NOTICE_CHARS = 4000


def notice_text(config: Mapping[str, Any] | None = None) -> str:
    """The notice to read: `[interview] consent_notice` when set to non-empty text, else DEFAULT_NOTICE."""
    from voice.errors import VivavoceError

    custom = ((config or {}).get("interview") or {}).get("consent_notice")
    if custom is None:
        return DEFAULT_NOTICE
    if not isinstance(custom, str):
        raise VivavoceError("[interview] consent_notice must be text", "put the notice in double quotes")
    text = " ".join(custom.split())
    if not text:
        return DEFAULT_NOTICE
    if len(text) > MAX_NOTICE_CHARS:
        raise VivavoceError(f"[interview] consent_notice is {len(text)} characters, over {MAX_NOTICE_CHARS}",
                            "a notice read aloud should take well under a minute")
    return text
