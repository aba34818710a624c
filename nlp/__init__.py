"""Text and voice analysis, knowing nothing of sessions: text features, sentence embeddings (MiniLM),
the offline scorer (question, rubric, answer -> Assessment) and advisory emotion (EmotionLevels from a
text head and voice cues).

Imports only `voice` (its data types and errors); models load on first use.
"""
