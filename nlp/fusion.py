"""How voice cues become scores, and how they are fused with the text channel.

Voice features are normalised against the same candidate's other turns (shrunk towards typical
speech while few turns are known), so a naturally low, quiet or slow voice does not read as
bored; only departures from the candidate's own habit move a score. Each dimension's voice
score is a logistic of a weighted sum of z-scores (clipped to +/-3 sd):

    enthusiasm    = 1.0 pitch variation + 0.4 loudness variation + 0.6 speaking rate + 0.3 pitch level
    interest      = 0.6 pitch variation + 0.3 loudness variation + 0.3 speaking rate - 0.3 long pauses
    confidence    = -0.8 fillers - 0.6 long pauses - 0.4 pause ratio + 0.3 speaking rate
    concentration = -0.7 long pauses - 0.6 pause ratio - 0.5 fillers

Fusion: score = (1 - v) * text + v * voice, with voice weight v = 0.5 for enthusiasm (the voice
carries it as much as the words), 0.4 for confidence (hesitation is heard), 0.3 for interest
and concentration (mostly in what is said: questions, staying on topic). With the voice channel
off or no voiced audio, the score is the text channel alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from nlp.emotion import DIMENSIONS, EmotionLevels
from nlp.prosody import ProsodyFeatures

# typical conversational speech: (mean, sd); a baseline starts here and moves to the candidate's own
PRIORS: dict[str, tuple[float, float]] = {
    "f0_sd": (2.0, 1.0),            # semitones
    "energy_sd": (7.0, 2.0),        # dB
    "rate": (2.6, 0.6),             # words per second
    "pause_ratio": (0.15, 0.10),
    "long_pauses": (1.0, 1.5),      # per minute
    "fillers": (3.0, 3.0),          # per minute
}
# the prior counts as this many turns: one odd turn cannot redefine "normal" for a candidate
PRIOR_TURNS = 2.0
# pitch level has no population prior (voices differ by an octave); only the candidate's own turns
F0_LEVEL_MIN_SD = 2.0

VOICE_RECIPES: dict[str, dict[str, float]] = {
    "enthusiasm": {"f0_sd": 1.0, "energy_sd": 0.4, "rate": 0.6, "f0_level": 0.3},
    "interest": {"f0_sd": 0.6, "energy_sd": 0.3, "rate": 0.3, "long_pauses": -0.3},
    "confidence": {"fillers": -0.8, "long_pauses": -0.6, "pause_ratio": -0.4, "rate": 0.3},
    "concentration": {"long_pauses": -0.7, "pause_ratio": -0.6, "fillers": -0.5},
}
VOICE_WEIGHT: dict[str, float] = {"enthusiasm": 0.5, "confidence": 0.4, "interest": 0.3, "concentration": 0.3}

CUE_NAMES = {"f0_sd": "pitch variation", "energy_sd": "loudness variation", "rate": "speaking rate",
             "f0_level": "pitch level", "pause_ratio": "pausing", "long_pauses": "long pauses",
             "fillers": "fillers"}


def cue_values(f: ProsodyFeatures) -> dict[str, float]:
    minutes = max(f.duration_s, 1.0) / 60.0
    return {"f0_sd": f.f0_sd_semitones, "energy_sd": f.energy_sd_db, "rate": f.words_per_s,
            "pause_ratio": f.pause_ratio, "long_pauses": f.long_pauses / minutes,
            "fillers": f.fillers_per_min, "f0_level": f.f0_mean_semitones}


@dataclass(frozen=True)
class Baseline:
    """The candidate's usual delivery: mean and sd per cue, from the prior and their voiced turns."""

    mean: dict[str, float]
    sd: dict[str, float]
    turns: int

    @classmethod
    def of(cls, turns: Sequence[ProsodyFeatures]) -> "Baseline":
        voiced = [cue_values(f) for f in turns if f.has_voice]
        n = len(voiced)
        mean, sd = {}, {}
        for cue, (m0, s0) in PRIORS.items():
            xs = np.array([v[cue] for v in voiced], dtype=np.float64)
            m = (PRIOR_TURNS * m0 + xs.sum()) / (PRIOR_TURNS + n)
            var = (PRIOR_TURNS * (s0 ** 2 + (m0 - m) ** 2) + ((xs - m) ** 2).sum()) / (PRIOR_TURNS + n)
            mean[cue], sd[cue] = float(m), max(math.sqrt(var), 0.5 * s0)
        levels = np.array([v["f0_level"] for v in voiced], dtype=np.float64)
        mean["f0_level"] = float(levels.mean()) if n else 0.0
        sd["f0_level"] = max(float(levels.std()) if n > 1 else 0.0, F0_LEVEL_MIN_SD)
        return cls(mean, sd, n)

    def z(self, f: ProsodyFeatures) -> dict[str, float]:
        values = cue_values(f)
        out = {c: float(np.clip((values[c] - self.mean[c]) / self.sd[c], -3.0, 3.0)) for c in PRIORS}
        out["f0_level"] = (float(np.clip((values["f0_level"] - self.mean["f0_level"]) / self.sd["f0_level"], -3, 3))
                           if self.turns >= 2 else 0.0)
        return out


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def voice_scores(z: dict[str, float]) -> EmotionLevels:
    return EmotionLevels(*(_sigmoid(sum(w * z[c] for c, w in VOICE_RECIPES[d].items())) for d in DIMENSIONS))


def fuse(text: Sequence[float], voice: EmotionLevels | None) -> EmotionLevels:
    """Weighted mean of the channels per dimension; text alone when there is no voice."""
    out = []
    for i, d in enumerate(DIMENSIONS):
        t = float(text[i])
        value = t if voice is None else (1 - VOICE_WEIGHT[d]) * t + VOICE_WEIGHT[d] * getattr(voice, d)
        out.append(float(min(1.0, max(0.0, value))))
    return EmotionLevels(*out)


def voice_evidence(f: ProsodyFeatures, z: dict[str, float], baseline: Baseline) -> list[str]:
    """The delivery cues that stood out, strongest first."""
    ref = "vs this candidate" if baseline.turns >= 2 else "vs typical speech"
    cues = sorted((c for c in z if abs(z[c]) >= 1.0), key=lambda c: -abs(z[c]))
    out = [f"{CUE_NAMES[c]} {z[c]:+.1f} sd {ref}" for c in cues[:3]]
    if f.fillers_per_min >= 4:
        out.append(f"fillers {f.fillers_per_min:.0f}/min")
    if f.long_pauses:
        out.append(f"{f.long_pauses} long pause{'s' if f.long_pauses > 1 else ''} (1 s or more)")
    return out


def phrase_evidence(probabilities: np.ndarray, pieces: Sequence[str], piece_probabilities: np.ndarray) -> list[str]:
    """The phrases that moved the dimensions the words clearly moved, one line per phrase."""
    moved: dict[int, list[str]] = {}
    for i, d in enumerate(DIMENSIONS):
        p = float(probabilities[i])
        if abs(p - 0.5) < 0.2:
            continue
        j = int(np.argmax(piece_probabilities[:, i])) if p > 0.5 else int(np.argmin(piece_probabilities[:, i]))
        moved.setdefault(j, []).append(f"{d} {'+' if p > 0.5 else '-'}")
    out = []
    for j, dims in moved.items():
        words = pieces[j].split()
        phrase = " ".join(words[:10]) + ("…" if len(words) > 10 else "")
        out.append(f"phrase: '{phrase}' ({', '.join(dims)})")
    return out
