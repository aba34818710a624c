"""A session's parts: the scorer and interviewer (offline by default, an LLM when configured) and, for a
replay, the whole SessionParts (whisper, that judging, the emotion classifier).

Shared by replay and live so both behave the same; nothing here prints (the CLI passes `notify`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from interview.interviewer import Interviewer
from interview.llm import LLMFallbacks, LLMOptions, OpenAIChat
from interview.session import Scorer, SessionParts
from voice.clock import Clock, SystemClock


@dataclass(frozen=True)
class Judging:
    scorer: Scorer
    interviewer: Interviewer
    llm_model: str | None


def build_judging(llm: LLMOptions | None, *, notify: Callable[[str], None] | None = None,
                  record: Callable[..., None] | None = None, clock: Clock | None = None,
                  max_followups: int = 1, scorer: Scorer | None = None) -> Judging:
    """The offline scorer always runs; with an LLM it is the judge's reference and fallback."""
    from interview.followups import FollowupOptions
    from interview.judge import LLMJudge
    from interview.offline_interviewer import OfflineInterviewer
    from interview.offline_scoring import PlanScorer

    offline_scorer = scorer or PlanScorer()   # flags `injection_attempt` itself
    followups = FollowupOptions(max_followups_per_question=max_followups)
    offline_interviewer = OfflineInterviewer(followups)
    if llm is None:
        return Judging(offline_scorer, offline_interviewer, None)
    from interview.llm_interviewer import LLMInterviewer

    fallbacks = LLMFallbacks(notify=notify, record=record)
    chat = OpenAIChat(llm, clock=clock or SystemClock())
    return Judging(
        scorer=LLMJudge(chat, offline_scorer, fallbacks=fallbacks, model_name=llm.model),
        interviewer=LLMInterviewer(chat, options=followups, fallbacks=fallbacks, offline=offline_interviewer),
        llm_model=llm.model,
    )


def replay_parts(stt, emotion, llm: LLMOptions | None, *, max_followups: int = 1,
                 notify: Callable[[str], None] | None = None):
    """The SessionParts factory a replay runs on: whisper, the judging above, and the emotion classifier.

    Replay calls it with the folder's answers, the questions a live session recorded (or None, to let
    the interviewer decide) and the journal that LLM fallbacks are recorded in.
    """
    def parts(answers, recorded_questions: Interviewer | None, journal):
        from nlp.emotion_local import build_emotion_classifier
        from voice.stt import WhisperTranscriber

        judging = build_judging(llm, notify=notify, record=journal.append_event, max_followups=max_followups)
        return SessionParts(answers=answers, transcriber=WhisperTranscriber(stt), scorer=judging.scorer,
                            emotion=build_emotion_classifier(emotion),
                            interviewer=recorded_questions or judging.interviewer, clock=answers.timeline)
    return parts
