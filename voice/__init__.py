"""Audio in and out, knowing nothing of interviews: decoding and resampling files, voice activity (Silero),
the end of a spoken answer, speech-to-text (faster-whisper), text-to-speech, and the microphone, speaker
and device checks of live mode.

Imports no other project package. Audio is 16 kHz mono once decoded (`voice.audio`) or captured
(`voice.sources`); heavy libraries (faster-whisper, sounddevice, pyttsx3) load inside the functions that need them.
"""
