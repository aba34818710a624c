"""report.html in headless Chromium (Debian's, driven by playwright): each answer's recording is linked,
a click on a quote or a word plays it from there, low-confidence words are marked, and the page runs
no script but its own."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reports import write_reports
from tests.fakes_reports import sample_record, spoken, write_tone

CHROMIUM = Path("/usr/bin/chromium")
ANSWER = ("At Nokia I deployed an XGBoost model with FastAPI and Docker on AWS SageMaker. "
          "We cut latency by 40% and I monitored data drift with weekly reports. "
          "<script>document.title='pwned'</script>")
QUOTE = "deployed an XGBoost model with FastAPI and Docker"   # sample_record's quote for ML_Q1


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed: apt-get install chromium (make system installs it)")
    tmp = tmp_path_factory.mktemp("seek")
    (tmp / "answers").mkdir()
    recording = write_tone(tmp / "answers" / "ML_Q1.wav", 30.0)
    record = sample_record()
    first = dataclasses.replace(record.turns[0], audio_path=str(recording),
                                transcript=spoken(ANSWER, unsure=("Nokia", "SageMaker")))
    record = dataclasses.replace(record, turns=(first,) + record.turns[1:])
    html = write_reports(record, tmp / "report", formats=("html",))["html"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
        page = browser.new_page()
        page.console = []
        page.on("console", lambda message: page.console.append(message.text))
        page.goto(html.as_uri())
        yield page
        browser.close()


def current_time(page) -> float:
    return page.evaluate("document.getElementById('recording-1').currentTime")


def test_each_answer_links_its_recording_relative_to_the_report(page):
    assert page.get_attribute("#recording-1", "src") == "../answers/ML_Q1.wav"
    assert page.locator("audio").count() == 1  # only the answer that has a recording on disk


def test_clicking_a_quote_plays_the_answer_from_the_quoted_words(page):
    # "deployed" is the 4th word: spoken from 1.0 + 3 x 0.5 s
    page.locator("#questions blockquote.seek", has_text=QUOTE).click()
    page.wait_for_function("document.getElementById('recording-1').currentTime >= 2.5", timeout=10000)
    assert 2.5 <= current_time(page) < 4.0
    page.evaluate("document.getElementById('recording-1').pause()")


def test_clicking_a_word_plays_from_that_word(page):
    page.locator("#transcript span.seek", has_text="weekly").click()   # the 24th word: 1.0 + 23 x 0.5 s
    page.wait_for_function("document.getElementById('recording-1').currentTime >= 12.5", timeout=10000)
    assert 12.5 <= current_time(page) < 14.0
    page.evaluate("document.getElementById('recording-1').pause()")


def test_low_confidence_words_are_marked_and_explained(page):
    marked = page.locator("#transcript .answer mark.low").all_inner_texts()
    assert marked == ["Nokia", "SageMaker."]
    assert "less than 50 % confidence" in page.locator("#transcript .legend").inner_text()


def test_the_page_runs_its_own_script_and_nothing_else(page):
    assert page.title().startswith("Interview evaluation") and "pwned" not in page.title()
    assert "<script>document.title='pwned'</script>" in page.locator("#transcript").inner_text()
    # even script that got into the page some other way is refused by the Content-Security-Policy
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.injected = true'; document.body.appendChild(s); }""")
    assert page.evaluate("window.injected === undefined")
    assert any("Content Security Policy" in line for line in page.console)
