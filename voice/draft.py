"""A quick draft of a short stretch of speech, for the decisions live mode cannot postpone.

Whisper encodes 30 s whatever it is given, so a 2 s piece costs what 30 s cost: about 0.5 s for tiny.en
on two busy cores, all of it while the candidate waits for the next question. CTranslate2 encodes any
length, so a draft encodes only the speech and a second of silence after it (a tenth of the cost, measured
on 2-4 s espeak-ng answers) and decodes it greedily, without timestamps or word times. Whisper never met
such short windows in training: after a clause broken off ("..., and") it tends to say the stretch again
in a loop, so the draft ends where its opening words come back, and its length is bounded by the audio's.

Never a turn's transcript: the saved answer is transcribed whole, the usual way (voice.stt).
"""
from __future__ import annotations

import re

import numpy as np

from voice.audio import SAMPLE_RATE_HZ
from voice.decoding import Attempt, Decoder, RawSegment

# longer stretches go to the usual decoder (whisper's window is 30 s)
MAX_DRAFT_S = 25.0
# silence encoded after the speech: whisper places the end of the words better with some air after them
TAIL_S = 1.0
# no one says more than about 4 tokens a second; a few more for a short stretch, then the draft stops
MAX_TOKENS = 8
MAX_TOKENS_PER_S = 6.0
# the opening words said again: whisper is looping
LOOP_WORDS = 3
_WORD = re.compile(r"[a-z0-9']+")


def draft_decoder(model, *, language: str | None, prompt: str | None, longer: Decoder) -> Decoder:
    """A Decoder over a faster-whisper model for short stretches; `longer` decodes the others."""
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_ctranslate2_storage

    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe",
                          language=language or "en")

    def decode(samples: np.ndarray, offset_s: float, with_prompt: bool) -> list[Attempt]:
        length_s = len(samples) / SAMPLE_RATE_HZ
        if length_s > MAX_DRAFT_S:
            return longer(samples, offset_s, with_prompt)
        audio = np.concatenate([samples.astype(np.float32), np.zeros(int(TAIL_S * SAMPLE_RATE_HZ), np.float32)])
        features = model.feature_extractor(audio)
        frames = features.shape[1] - features.shape[1] % 2      # the encoder halves the frames
        encoded = model.model.encode(get_ctranslate2_storage(np.ascontiguousarray(features[None, :, :frames])),
                                     to_cpu=False)
        context = [tokenizer.sot_prev, *tokenizer.encode(" " + prompt.strip())] if prompt and with_prompt else []
        start = [*context, *tokenizer.sot_sequence, tokenizer.no_timestamps]
        budget = MAX_TOKENS + int(MAX_TOKENS_PER_S * length_s)
        result = model.model.generate(encoded, [start], beam_size=1, max_length=len(start) + budget,
                                      suppress_blank=True, return_scores=True)
        tokens = [t for t in result[0].sequences_ids[0] if t < tokenizer.eot]
        text = without_loop(tokenizer.decode(tokens).strip())
        if not any(c.isalnum() for c in text):
            return [Attempt(offset_s, offset_s + length_s, ())]
        logprob = float(result[0].scores[0]) if result[0].scores else 0.0
        segment = RawSegment(offset_s, offset_s + length_s, text, logprob, 1.0, 0.0, ())
        return [Attempt(offset_s, offset_s + length_s, (segment,), "draft")]

    return decode


def without_loop(text: str) -> str:
    """`text` up to where its first LOOP_WORDS words come back ("so the tricky part was, uh, so the
    tricky part was, uh, so..." -> "so the tricky part was, uh,")."""
    words = text.split()
    keys = [" ".join(_WORD.findall(w.lower())) for w in words]
    opening = keys[:LOOP_WORDS]
    if len(opening) < LOOP_WORDS or not all(opening):
        return text
    for k in range(LOOP_WORDS, len(words) - LOOP_WORDS + 1):
        if keys[k:k + LOOP_WORDS] == opening:
            return " ".join(words[:k])
    return text
