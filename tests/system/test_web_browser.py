"""The workspace in a real browser: list, candidate page, listening and seeking, a review, the cohort page."""
from __future__ import annotations

import json
import re

import pytest

from tests.fakes_reports import candidate_record, write_candidate, write_round
from tests.system.conftest import Served

NASTY = "<img src=x onerror=\"window.pwned=1\">"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace")
    write_round(root)
    record = candidate_record(NASTY, "Machine Learning Engineer", 0.5)
    write_candidate(root / "mallory", record)
    served = Served(root)
    yield root, served
    served.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    tab = context.new_page()
    tab.console_messages = []
    tab.on("console", lambda message: tab.console_messages.append(message.text))
    yield tab
    context.close()


def not_blank(png_path) -> None:
    from PIL import Image

    image = Image.open(png_path).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24)
    assert len(colours) > 50, "the page rendered as (nearly) one colour"


def player_time(page, qid: str) -> float:
    return page.evaluate("qid => document.querySelector(`audio[data-qid='${qid}']`).currentTime", qid)


def test_open_the_list_then_a_candidate(workspace, page, tmp_path):
    _, served = workspace
    page.goto(served.url)
    assert page.locator("table.candidates tbody tr").count() == 8
    assert page.locator("tr[data-session=ben] .badge").first.inner_text() == "Yes: advance"
    page.screenshot(path=tmp_path / "list.png", full_page=True)
    not_blank(tmp_path / "list.png")
    page.click("text=Ben Okafor")
    page.wait_for_url(re.compile(r"/sessions/ben$"))
    assert page.locator("h1").inner_text() == "Ben Okafor"
    assert page.locator("audio[data-qid]").count() == 2
    page.screenshot(path=tmp_path / "session.png", full_page=True)
    not_blank(tmp_path / "session.png")
    assert not [m for m in page.console_messages if "Content Security Policy" in m or "404" in m]


def test_playing_an_answer_advances_its_time(workspace, page):
    _, served = workspace
    page.goto(f"{served.base}/sessions/ben")
    page.locator(".line[data-audio=Q1]").first.click()
    page.wait_for_function("() => document.querySelector(`audio[data-qid='Q1']`).currentTime > 0.5", timeout=15000)
    assert page.evaluate("document.querySelector(`audio[data-qid='Q1']`).paused") is False
    assert page.locator(".line.current").count() == 1


def test_clicking_a_quote_seeks_to_it(workspace, page):
    _, served = workspace
    page.goto(f"{served.base}/sessions/ben")
    page.locator("blockquote.quote[data-audio=Q1]").first.click()       # said from 3 s on
    page.wait_for_function("() => document.querySelector(`audio[data-qid='Q1']`).currentTime >= 3.0", timeout=15000)
    assert 3.0 <= player_time(page, "Q1") < 8.9
    page.locator(".line[data-audio=Q2]").nth(1).click()                 # the second answer's line at 4 s
    page.wait_for_function("() => document.querySelector(`audio[data-qid='Q2']`).currentTime >= 4.0", timeout=15000)


def test_submit_a_review_and_find_it_in_the_journal(workspace, page):
    root, served = workspace
    page.goto(f"{served.base}/sessions/chloe")
    page.fill("input[name=reviewer]", "Dana Park")
    page.check("input[value=hold]")
    page.fill("textarea[name=note]", "Ask about <b>monitoring</b> in round two")
    page.click("button:has-text('Record decision')")
    page.wait_for_url(re.compile(r"/sessions/chloe#review$"))
    assert page.locator(".verdict.human strong").inner_text() == "Hold"
    assert "Ask about <b>monitoring</b> in round two" in page.locator(".verdict.human .note").inner_text()
    event = json.loads((root / "chloe" / "journal.jsonl").read_text().splitlines()[-1])
    assert (event["type"], event["reviewer"], event["decision"], event["note"]) == \
        ("review", "Dana Park", "hold", "Ask about <b>monitoring</b> in round two")
    page.goto(served.base + "/?status=hold")
    assert "Chloé Martin" in page.locator("table.candidates").inner_text()


def test_candidate_text_never_runs(workspace, page):
    _, served = workspace
    for path in ("/", "/sessions/mallory", "/cohort"):
        page.goto(served.base + path)
        assert page.evaluate("window.pwned") is None
    assert NASTY in page.content().replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def test_cohort_page(workspace, page, tmp_path):
    _, served = workspace
    page.goto(f"{served.base}/cohort?role=Machine%20Learning%20Engineer&pass_rate=0.5")
    assert "3 of 5 pass" in page.locator("h2").first.inner_text()
    page.select_option("select[name=role]", "Data Engineer")            # filters apply on change
    page.wait_for_url(re.compile(r"role=Data\+Engineer"))
    assert page.locator("table.candidates tbody tr").count() == 3
    page.screenshot(path=tmp_path / "cohort.png", full_page=True)
    not_blank(tmp_path / "cohort.png")
