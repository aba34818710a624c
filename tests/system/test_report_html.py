"""report.html rendered by headless Chromium, report.pdf read back by pdftotext."""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reports import write_reports
from reports.build import build_evaluation
from reports.chart import COLOURS
from reports.render_html import SEEK_SCRIPT, SEEK_SCRIPT_HASH, render_html
from tests.fakes_reports import assessment, sample_record

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCRIPT_ANSWER = "<script>document.title='pwned';document.body.innerHTML='HACKED'</script> I use <b>Python</b>."


def screenshot(html_path: Path, tmp: Path) -> "Image.Image":
    from PIL import Image  # weasyprint's dependency

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: apt-get install chromium (make test installs it)")
    png = tmp / "shot.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp / 'profile'}", f"--screenshot={png}", "--window-size=1200,6000",
                    html_path.as_uri()], capture_output=True, timeout=120, check=False)
    assert png.exists(), "chromium wrote no screenshot"
    return Image.open(png).convert("RGB")


def colour_pixels(image, hex_colour: str, tolerance: int = 24) -> int:
    target = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return sum(count for count, rgb in image.getcolors(maxcolors=1 << 24)
               if all(abs(a - b) <= tolerance for a, b in zip(rgb, target)))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("html")
    record = sample_record(reviews=({"type": "review", "reviewer": "Ana Lee", "decision": "advance",
                                     "note": "strong project", "at": "2025-05-02"},))
    paths = write_reports(record, tmp, formats=("html", "pdf"))
    return tmp, paths


def test_html_screenshot_is_not_blank_and_chart_is_drawn(rendered):
    tmp, paths = rendered
    image = screenshot(paths["html"], tmp)
    colours = image.getcolors(maxcolors=1 << 24)
    assert len(colours) > 50, "the page rendered as (nearly) one colour"
    white = max(colours)[0] / (image.width * image.height)
    assert white < 0.97
    # legend and table swatches alone give ~240 pixels per colour; the drawn lines give over 2000
    for dimension, colour in COLOURS.items():
        assert colour_pixels(image, colour) > 1200, f"{dimension} line not drawn"


def test_html_without_emotion_has_no_chart_but_the_note(tmp_path):
    html = render_html(build_evaluation(sample_record(with_emotion=False)))
    assert "<svg" not in html and "Emotion tracking was off" in html and "advisory" in html


def test_html_is_self_contained():
    html = render_html(build_evaluation(sample_record()))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<link" not in html and "<svg" in html
    # one script, the report's own, and the Content-Security-Policy allows exactly it, by its hash
    assert html.count("<script") == 1 and f"<script>{SEEK_SCRIPT}</script>" in html
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert f"script-src '{SEEK_SCRIPT_HASH}'" in policy and "default-src 'none'" in policy
    assert SEEK_SCRIPT_HASH == "sha256-" + base64.b64encode(hashlib.sha256(SEEK_SCRIPT.encode()).digest()).decode()


def test_script_answer_stays_inert(tmp_path):
    record = sample_record()
    first = record.turns[0]
    first = dataclasses.replace(first, transcript=dataclasses.replace(first.transcript, text=SCRIPT_ANSWER),
                                assessment=assessment(80, 4, 0.8, quotes=("<script>document.title='pwned'",)))
    record = dataclasses.replace(record, turns=(first,) + record.turns[1:],
                                 plan=dataclasses.replace(record.plan, candidate="<img src=x onerror=alert(1)>"))
    path = write_reports(record, tmp_path, formats=("html",))["html"]
    html = path.read_text()
    assert html.lower().count("<script") == 1 and "<img" not in html.lower()   # the one is the report's own
    assert "&lt;script&gt;document.title=" in html
    image = screenshot(path, tmp_path)
    assert image.getcolors(maxcolors=1 << 24)  # it rendered
    # the script did not run: chromium's DOM dump still shows the escaped text, not 'HACKED' alone
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile2'}", "--dump-dom", path.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert "pwned" in dom and "<title>Interview evaluation" in dom and ">HACKED<" not in dom


def test_pdf_text_holds_every_section(rendered):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils (make test installs it)")
    _, paths = rendered
    assert paths["pdf"].read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(paths["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    for section in ("Summary", "Transcript", "Per-question analysis", "HR report",
                    "Job description and resume alignment", "Red flags", "Emotion timeline",
                    "Overall statistics", "[PLANNED]", "[FOLLOW-UP]", "[CANDIDATE STRUGGLED]",
                    "System recommendation", "Human decision", "Kubernetes"):
        assert section in text, section
    assert "advisory" in text
