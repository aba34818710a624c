"""The emotion timeline as inline SVG: one line per dimension over the session, per 10 s window where present."""
from __future__ import annotations

from html import escape

from nlp.emotion import EmotionWindow
from reports.model import Evaluation

# Distinct, colour-blind-tolerant hues; tests look for these pixels in the rendered chart.
COLOURS = {"concentration": "#1f77b4", "enthusiasm": "#ff7f0e", "interest": "#2ca02c", "confidence": "#d62728"}
WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 30, 44


def emotion_points(ev: Evaluation) -> list[EmotionWindow]:
    """Per 10 s windows where a turn has them, otherwise one point for the turn."""
    points: list[EmotionWindow] = []
    for t in ev.turns:
        if t.emotion_windows:
            points += list(t.emotion_windows)
        elif t.emotion is not None:
            points.append(t.emotion)
    return points


def emotion_svg(ev: Evaluation) -> str:
    points = emotion_points(ev)
    if not points:
        return ""
    end_s = max(max(p.end_s for p in points), 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(seconds: float) -> float:
        return LEFT + plot_w * seconds / end_s

    def y(value: float) -> float:
        return TOP + plot_h * (1.0 - value)

    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="100%" role="img" aria-label="Emotion timeline">',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fafbfc" stroke="#d0d5dd"/>']
    for level in (0.25, 0.5, 0.75):
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
                     f'stroke="#e4e7ec" stroke-dasharray="4 4"/>')
    for level in (0.0, 0.5, 1.0):
        parts.append(f'<text x="{LEFT - 8}" y="{y(level) + 4:.1f}" text-anchor="end" class="axis">{level:.1f}</text>')
    for t in ev.turns:  # turn boundaries, labelled with the question id
        if t.emotion is None:
            continue
        parts.append(f'<line x1="{x(t.emotion.start_s):.1f}" x2="{x(t.emotion.start_s):.1f}" y1="{TOP}" '
                     f'y2="{TOP + plot_h}" stroke="#98a2b3" stroke-width="1"/>')
        parts.append(f'<text x="{x(t.emotion.start_s) + 4:.1f}" y="{TOP - 8}" class="axis">'
                     f'{escape(t.question_id)}</text>')
    for dimension, colour in COLOURS.items():
        coords = [(x((p.start_s + p.end_s) / 2), y(getattr(p.levels, dimension))) for p in points]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="4" '
                         f'stroke-linejoin="round" stroke-linecap="round"/>')
        parts += [f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{colour}"/>' for cx, cy in coords]
    parts.append(f'<text x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 24}" text-anchor="middle" class="axis">'
                 f'seconds of answers (0 to {end_s:.0f} s)</text>')
    legend_x = LEFT
    for dimension, colour in COLOURS.items():
        parts.append(f'<rect x="{legend_x}" y="{HEIGHT - 14}" width="14" height="10" fill="{colour}"/>'
                     f'<text x="{legend_x + 20}" y="{HEIGHT - 5}" class="legend">{dimension}</text>')
        legend_x += 150
    parts.append("</svg>")
    return "".join(parts)
