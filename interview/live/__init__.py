"""Live mode: a spoken interview on this computer's microphone and speaker.

`run_live(plan, session_dir, devices, options, view, models=...)` is the library entry point (as
`interview.replay.replay` is for recorded answers); `interview live` only maps flags onto it.
run.py holds the session, answers.py the spoken questions and voice commands, listen.py listening
and the end of the turn (turn_end.py), device_loss.py what an answer keeps when the microphone fails.
"""
from interview.live.run import LiveDevices, LiveModels, LiveOptions, load_models, open_devices, resume_plan, run_live

__all__ = ["LiveDevices", "LiveModels", "LiveOptions", "load_models", "open_devices", "resume_plan", "run_live"]
