"""The workspace through its ASGI app in this process: pages, API, recordings, reviews and every security rule."""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from interview.journal import read_journal
from interview.web.app import create_app, open_workspace
from interview.web.guard import CSP
from reports.cohort import decide, load_entry
from reports.render_html import SEEK_SCRIPT
from tests.fakes_reports import ROUND, candidate_record, write_candidate, write_round, write_tone

BASE = "http://127.0.0.1:8700"
ML = "Machine Learning Engineer"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace")
    write_round(root)
    return root


@pytest.fixture(scope="module")
def client(root):
    return TestClient(create_app(open_workspace(root)), base_url=BASE)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


# --- pages and data ----------------------------------------------------------------------------------------

def test_list_groups_candidates_by_role_with_score_recommendation_flags_and_review(client):
    page = client.get("/").text
    data_engineers, ml_engineers = page.index(">Data Engineer <"), page.index(f">{ML} <")
    assert data_engineers < ml_engineers
    ml_part = page[ml_engineers:]
    names = re.findall(r'class="candidate" href="/sessions/(\w+)"', ml_part)
    assert names == ["ana", "dev", "ben", "chloe"]           # by score, highest first
    ben = ml_part[ml_part.index('data-session="ben"'):ml_part.index('data-session="chloe"')]
    assert ">64<" in ben and "Yes: advance" in ben and "needs review" in ben
    assert "decision-hold" in ben and "Dana Park" in ben and "conc" in ben


def test_list_filters_by_role_and_status_and_sorts(client):
    page = client.get("/", params={"role": "Data Engineer"}).text
    assert re.findall(r'href="/sessions/(\w+)"', page) == ["farid", "emma", "gwen"]
    page = client.get("/", params={"status": "unreviewed"}).text
    assert set(re.findall(r'href="/sessions/(\w+)"', page)) == {"ana", "chloe", "emma", "farid"}
    page = client.get("/", params={"status": "flagged", "sort": "candidate", "order": "asc"}).text
    assert re.findall(r'href="/sessions/(\w+)"', page) == ["gwen", "ben", "chloe"]


def test_api_sessions_has_the_contract_fields(client):
    sessions = client.get("/api/sessions").json()
    assert len(sessions) == len(ROUND)
    ben = next(s for s in sessions if s["id"] == "ben")
    assert ben["candidate"] == "Ben Okafor" and ben["role"] == ML
    assert ben["overall"]["score"] == 64 and ben["overall"]["recommendation"] == "yes"
    assert ben["flags"] == ["needs_review"] and ben["review"]["decision"] == "hold"
    assert client.get("/api/sessions", params={"role": "Data Engineer"}).json()[0]["id"] == "farid"


def test_session_page_has_a_player_per_answer_and_seekable_lines_and_quotes(client):
    page = client.get("/sessions/ben").text
    assert page.count("<audio") == 2 and 'src="/sessions/ben/audio/Q1"' in page
    lines = re.findall(r'class="line" data-audio="Q1" data-seek="([\d.]+)"', page)
    assert lines == ["0.00", "3.00", "6.00"]
    # "We cut latency by 40%" is said in the second segment, from 3 s
    assert re.search(r'class="quote" data-audio="Q1" data-seek="3.00"[^>]*>“We cut latency by 40%”', page)
    # "impute with the median" starts 7 characters into a 4 s line of 47 characters that starts at 4 s
    assert re.search(r'class="quote" data-audio="Q2" data-seek="4.60"', page)
    assert "Ask about monitoring" in page and "report.pdf" in page


def test_a_transcript_line_reads_as_its_words_with_spaces_and_marks_the_unsure_ones(tmp_path):
    import dataclasses

    from tests.fakes_reports import spoken

    record = candidate_record("Ann", ML, 0.6)
    said = spoken("I added dropout and weight decay on 20,000 pictures.", unsure=("dropout",))
    # whisper splits "20,000" into two words, "20" and ",000"
    said = dataclasses.replace(said, segments=(dataclasses.replace(said.segments[0], words=(
        *said.segments[0].words[:-2], dataclasses.replace(said.segments[0].words[-2], text="20"),
        dataclasses.replace(said.segments[0].words[-2], text=",000"), said.segments[0].words[-1])),))
    first = dataclasses.replace(record.turns[0], transcript=said)
    write_candidate(tmp_path / "ann", dataclasses.replace(record, turns=(first, *record.turns[1:])))
    page = TestClient(create_app(open_workspace(tmp_path)), base_url=BASE).get("/sessions/ann").text
    line = re.search(r'class="line" data-audio="Q1"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", "", line).split()) == "0:01 " + said.text
    assert re.findall(r'<span class="w low"[^>]*>([^<]+)</span>', line) == ["dropout"]


def test_audio_is_served_with_its_type_and_ranges(client, root):
    whole = client.get("/sessions/ben/audio/Q1")
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/wav"
    assert whole.headers["accept-ranges"] == "bytes" and whole.content == (root / "ben" / "Q1.wav").read_bytes()
    part = client.get("/sessions/ben/audio/Q1", headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and len(part.content) == 1000
    assert part.headers["content-range"] == f"bytes 1000-1999/{len(whole.content)}"
    assert part.content == whole.content[1000:2000]


def test_downloads_render_the_current_report(client):
    md = client.get("/sessions/ben/report.md")
    assert md.status_code == 200 and "attachment" in md.headers["content-disposition"] and "Ben Okafor" in md.text
    assert client.get("/sessions/ben/report.json").json()["candidate"] == "Ben Okafor"
    html = client.get("/sessions/ben/report.html")
    # the report's only script is its own seek script (report.html allows it by hash); served here, the
    # workspace's header allows no script at all
    assert "style-src 'unsafe-inline'" in html.headers["content-security-policy"]
    assert "script-src" not in html.headers["content-security-policy"]
    assert html.text.count("<script") == html.text.count(f"<script>{SEEK_SCRIPT}</script>") == 1
    assert "Ben Okafor" in client.get("/sessions/ben/transcript.md").text
    assert client.get("/sessions/ben/journal.jsonl").status_code == 404


def test_cohort_page_and_api_follow_the_cohort_rules(client, root):
    api = client.get("/api/cohort", params={"role": ML, "pass_rate": 0.5}).json()
    expected = decide([load_entry(root / name) for name in ("ana", "ben", "chloe", "dev")], 0.5)
    assert {e["candidate"]: e["decision"] for e in api["ranking"]} == {e.candidate: e.decision for e in expected.entries}
    assert api["pass_count"] == 2 and api["role"] == ML and "audit" not in api
    page = client.get("/cohort", params={"role": ML, "pass_rate": "0.5"}).text
    assert "2 of 4 pass" in page and 'href="/sessions/ana"' in page and "--groups FILE" in page
    assert client.get("/cohort", params={"pass_rate": "abc"}).status_code == 400
    assert client.get("/api/cohort", params={"pass_rate": "1.5"}).status_code == 400


def test_cohort_with_groups_shows_the_audit_and_exports_csv(root, tmp_path):
    groups = tmp_path / "groups.csv"
    groups.write_text("candidate,sex,race_ethnicity\nAna Lima,Female,Asian\nBen Okafor,Male,White\n"
                      "Chloé Martin,Female,White\nDev Patel,Male,declined\n")
    client = TestClient(create_app(open_workspace(root, groups_file=groups)), base_url=BASE)
    api = client.get("/api/cohort", params={"role": ML, "pass_rate": 0.5}).json()
    sex = next(t for t in api["audit"]["tables"] if t["dimension"] == "sex")
    assert {r["category"]: r["selection_rate"] for r in sex["rows"]} == {"Female": 0.5, "Male": 0.5}
    assert next(t for t in api["audit"]["tables"] if t["dimension"] == "race_ethnicity")["unknown"] == 1
    page = client.get("/cohort", params={"role": ML}).text
    assert "Sex x race/ethnicity" in page and "audit.csv" in page
    csv_text = client.get("/cohort/audit.csv", params={"role": ML, "pass_rate": 0.5}).text
    assert csv_text.startswith("table,category,applicants") and "sex,Female,2" in csv_text


def test_an_unreadable_journal_is_reported_and_the_others_still_listed(tmp_path):
    write_candidate(tmp_path / "good", candidate_record("Good One", ML, 0.7), recordings=False)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "journal.jsonl").write_text("not json at all\n")
    page = TestClient(create_app(open_workspace(tmp_path)), base_url=BASE).get("/").text
    assert "Good One" in page and "could not be read" in page and "broken" in page


# --- reviews -----------------------------------------------------------------------------------------------

def test_a_review_is_journaled_exactly_as_interview_review_does(tmp_path):
    folder = write_candidate(tmp_path / "kim", candidate_record("Kim", ML, 0.6), recordings=False)
    client = TestClient(create_app(open_workspace(tmp_path)), base_url=BASE)
    token = csrf_of(client.get("/sessions/kim").text)
    reply = client.post("/sessions/kim/review", data={"csrf": token, "reviewer": "  Dana   Park ", "decision": "hold",
                                                      "note": "Ask about\nmonitoring"}, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/sessions/kim#review"
    event = json.loads((folder / "journal.jsonl").read_text().splitlines()[-1])
    assert set(event) == {"type", "reviewer", "decision", "note", "at"}
    assert (event["type"], event["reviewer"], event["decision"], event["note"]) == \
        ("review", "Dana Park", "hold", "Ask about monitoring")
    assert read_journal(folder).record().reviews[-1]["decision"] == "hold"
    page = client.get("/sessions/kim").text
    assert "Dana Park" in page and "decision-hold" in page
    assert client.get("/api/sessions").json()[0]["review"]["decision"] == "hold"


def test_a_review_rewrites_the_reports_already_there(tmp_path):
    from reports import write_reports

    folder = write_candidate(tmp_path / "kim", candidate_record("Kim", ML, 0.6), recordings=False)
    write_reports(read_journal(folder).record(), folder, ("md",))
    client = TestClient(create_app(open_workspace(tmp_path)), base_url=BASE)
    client.post("/sessions/kim/review", data={"csrf": csrf_of(client.get("/sessions/kim").text),
                                              "reviewer": "Sam", "decision": "advance", "note": ""})
    assert "Sam" in (folder / "report.md").read_text()


def test_reviewer_text_is_escaped_everywhere(tmp_path):
    write_candidate(tmp_path / "kim", candidate_record("<img src=x onerror=alert(1)>", ML, 0.6), recordings=False)
    client = TestClient(create_app(open_workspace(tmp_path)), base_url=BASE)
    client.post("/sessions/kim/review", data={"csrf": csrf_of(client.get("/sessions/kim").text),
                                              "reviewer": "<script>alert(1)</script>", "decision": "reject",
                                              "note": "<b onmouseover=alert(2)>x</b>"})
    for page in (client.get("/sessions/kim").text, client.get("/").text, client.get("/cohort").text):
        assert "<script>alert" not in page and "<img src=x" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/sessions/kim").text


@pytest.mark.parametrize("form, status", [({"reviewer": "", "decision": "hold"}, 400),
                                          ({"reviewer": "Dana", "decision": "maybe"}, 400),
                                          ({"reviewer": "Dana", "decision": "hold", "note": "x" * 2001}, 400)])
def test_a_bad_review_is_refused_with_the_reason_and_nothing_written(tmp_path, form, status):
    folder = write_candidate(tmp_path / "kim", candidate_record("Kim", ML, 0.6), recordings=False)
    client = TestClient(create_app(open_workspace(tmp_path)), base_url=BASE)
    before = (folder / "journal.jsonl").read_bytes()
    reply = client.post("/sessions/kim/review", data={"csrf": csrf_of(client.get("/sessions/kim").text), **form})
    assert reply.status_code == status and 'role="alert"' in reply.text
    assert (folder / "journal.jsonl").read_bytes() == before


# --- security ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["no_token", "wrong_token", "other_session_token", "other_origin", "null_origin",
                                  "other_referer"])
def test_a_review_without_the_page_token_or_from_another_origin_is_refused(tmp_path, case):
    for name in ("kim", "lee"):
        write_candidate(tmp_path / name, candidate_record(name.title(), ML, 0.6), recordings=False)
    client = TestClient(create_app(open_workspace(tmp_path)), base_url=BASE)
    form = {"reviewer": "Mallory", "decision": "advance", "note": ""}
    headers = {}
    if case != "no_token":
        form["csrf"] = {"wrong_token": "0" * 64,
                        "other_session_token": csrf_of(client.get("/sessions/lee").text)}.get(
            case, csrf_of(client.get("/sessions/kim").text))
    if case == "other_origin":
        headers["origin"] = "http://evil.example"
    if case == "null_origin":
        headers["origin"] = "null"
    if case == "other_referer":
        headers["referer"] = "http://evil.example/page"
    before = (tmp_path / "kim" / "journal.jsonl").read_bytes()
    reply = client.post("/sessions/kim/review", data=form, headers=headers)
    assert reply.status_code == 403
    assert (tmp_path / "kim" / "journal.jsonl").read_bytes() == before
    # the same form from the workspace's own origin goes through
    if case in ("other_origin", "null_origin", "other_referer"):
        assert client.post("/sessions/kim/review", data=form, headers={"origin": BASE},
                           follow_redirects=False).status_code == 303


ROUTES = ["/", "/api/sessions", "/cohort", "/api/cohort", "/sessions/ben", "/sessions/ben/audio/Q1",
          "/sessions/ben/report.md", "/static/workspace.js", "/cohort/audit.csv", "/nowhere"]


@pytest.mark.parametrize("path", ROUTES)
def test_with_a_token_every_request_without_it_gets_401(root, path):
    client = TestClient(create_app(open_workspace(root), token="t" * 24), base_url="http://192.0.2.10:8700")
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"authorization": "Bearer " + "x" * 24}).status_code == 401
    assert client.get(path, headers={"authorization": "Bearer " + "t" * 24}).status_code not in (401, 400)


def test_token_in_the_url_becomes_a_cookie_and_a_post_needs_it_too(root):
    client = TestClient(create_app(open_workspace(root), token="t" * 24), base_url="http://192.0.2.10:8700")
    assert client.post("/sessions/ben/review", data={"reviewer": "x", "decision": "hold"}).status_code == 401
    first = client.get("/sessions/ben?token=" + "t" * 24, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/sessions/ben"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/sessions/ben").status_code == 200   # the client kept the cookie


def test_without_a_token_only_loopback_host_names_are_served(root):
    app = create_app(open_workspace(root))
    for host in ("127.0.0.1:8700", "localhost:8700", "[::1]:8700"):
        assert TestClient(app, base_url=f"http://{host}").get("/").status_code == 200
    for host in ("evil.example", "evil.example:8700", "192.168.1.5:8700"):
        assert TestClient(app, base_url=f"http://{host}").get("/").status_code == 400


@pytest.mark.parametrize("path", ["/sessions/..%2F..%2Fetc", "/sessions/%2e%2e", "/sessions/ben%2F..",
                                  "/sessions/ben/audio/..%2F..%2Fetc%2Fpasswd", "/sessions/ben/audio/Q1.wav",
                                  "/sessions/ben/audio/%2Fetc%2Fpasswd", "/sessions/ben/..%2Fana%2Fjournal.jsonl",
                                  "/sessions/nobody", "/sessions/", "/static/", "/static/..%2Fapp.py",
                                  "/static/%2e%2e%2Fapp.py", "/sessions/ben/Q1.wav", "/sessions/ben/journal.jsonl"])
def test_paths_that_do_not_name_a_found_session_or_file_are_404(client, path):
    assert client.get(path).status_code == 404


def test_symlinks_out_of_root_are_not_sessions(tmp_path):
    outside = tmp_path / "outside"
    write_candidate(outside / "secret", candidate_record("Secret", ML, 0.9), recordings=False)
    root = tmp_path / "root"
    write_candidate(root / "kim", candidate_record("Kim", ML, 0.6), recordings=False)
    (root / "linked").symlink_to(outside / "secret", target_is_directory=True)
    (root / "half").mkdir()
    (root / "half" / "journal.jsonl").symlink_to(outside / "secret" / "journal.jsonl")
    client = TestClient(create_app(open_workspace(root)), base_url=BASE)
    assert [s["id"] for s in client.get("/api/sessions").json()] == ["kim"]
    assert "Secret" not in client.get("/").text
    assert client.get("/sessions/linked").status_code == 404 and client.get("/sessions/half").status_code == 404


def test_recordings_are_served_only_when_named_by_the_journal_inside_the_allowed_roots(tmp_path):
    import dataclasses

    source = tmp_path / "recorded"                      # a replay folder outside ROOT, named in the header
    source.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "root"
    record = candidate_record("Kim", ML, 0.6, source=str(source))
    q1, q2 = record.turns
    stray = write_tone(elsewhere / "stray.wav", 1.0)
    (root / "kim").mkdir(parents=True)
    (root / "kim" / "link.wav").symlink_to(stray)        # inside ROOT by name, outside by real path
    (root / "kim" / "unnamed.wav").write_bytes(stray.read_bytes())
    record = dataclasses.replace(record, turns=(q1, dataclasses.replace(q2, audio_path=str(stray))))
    write_candidate(root / "kim", record)
    client = TestClient(create_app(open_workspace(root)), base_url=BASE)
    assert client.get("/sessions/kim/audio/Q1").status_code == 200      # in the source folder the header names
    assert client.get("/sessions/kim/audio/Q2").status_code == 404      # named, but outside every allowed root
    for target in ("link.wav", "/etc/passwd", "../../etc/passwd", str(root / "kim" / "journal.jsonl")):
        turn = dataclasses.replace(q2, audio_path=target)
        write_candidate(root / "kim", dataclasses.replace(record, turns=(q1, turn)), recordings=False)
        assert client.get("/sessions/kim/audio/Q2").status_code == 404, target
    assert "unnamed" not in client.get("/sessions/kim").text


def test_a_relative_replay_source_is_found_from_the_folder_the_server_started_in(tmp_path):
    # `make demo` journals "examples/ml-engineer"; `interview serve out` runs from the same folder
    (tmp_path / "examples" / "demo-round").mkdir(parents=True)
    record = candidate_record("Kim", ML, 0.6, source="examples/demo-round")
    for t in record.turns:
        write_tone(tmp_path / t.audio_path, t.audio_s)
    absolute = [dataclasses_replace_audio(t, tmp_path) for t in record.turns]
    write_candidate(tmp_path / "out" / "demo", record.__class__(**{**record.__dict__, "turns": tuple(absolute)}),
                    recordings=False)
    served = TestClient(create_app(open_workspace(tmp_path / "out", cwd=tmp_path)), base_url=BASE)
    assert served.get("/sessions/demo/audio/Q1").status_code == 200
    # started elsewhere, the recording still lies in a folder that ends in the journaled name
    elsewhere = TestClient(create_app(open_workspace(tmp_path / "out", cwd=tmp_path / "out")), base_url=BASE)
    assert elsewhere.get("/sessions/demo/audio/Q1").status_code == 200
    # a recording in a folder of another name is not the journaled source
    moved = tmp_path / "other" / "place"
    moved.mkdir(parents=True)
    write_tone(moved / "Q1.wav", 1.0)
    turn = dataclasses_replace_audio(record.turns[0], tmp_path)
    import dataclasses
    turn = dataclasses.replace(turn, audio_path=str(moved / "Q1.wav"))
    write_candidate(tmp_path / "out" / "demo", record.__class__(**{**record.__dict__, "turns": (turn,)}),
                    recordings=False)
    assert served.get("/sessions/demo/audio/Q1").status_code == 404


def dataclasses_replace_audio(turn, base: Path):
    import dataclasses

    return dataclasses.replace(turn, audio_path=str(base / turn.audio_path))


def test_every_page_carries_the_security_headers_and_no_inline_script(client):
    for path in ("/", "/sessions/ben", "/cohort", "/nowhere"):
        reply = client.get(path)
        assert reply.headers["content-security-policy"] == CSP
        assert reply.headers["x-content-type-options"] == "nosniff" and reply.headers["x-frame-options"] == "DENY"
        scripts = re.findall(r"<script\b[^>]*>", reply.text)
        assert scripts == ['<script src="/static/workspace.js" defer>'], scripts
        assert not re.search(r"\son[a-z]+=", reply.text), "inline event handler"
    assert "script-src 'self';" in CSP and "unsafe-inline" not in CSP


def test_only_a_review_post_writes_and_nothing_is_deleted(client, root):
    before = tree_digest(root)
    for path in ROUTES + ["/sessions/ana", "/sessions/gwen/report.json", "/api/cohort?role=Data%20Engineer"]:
        client.get(path)
    for method in ("put", "delete", "patch"):
        assert getattr(client, method)("/sessions/ben").status_code == 405
    assert client.post("/sessions/ben").status_code == 405
    assert client.post("/").status_code == 405
    assert tree_digest(root) == before
    assert sorted(os.listdir(root)) == sorted(name for name, *_ in ROUND)


def test_low_confidence_words_are_marked_and_a_quote_seeks_to_its_first_word():
    from interview.web.views import quote_time, transcript_lines
    from voice.transcript import Segment, Transcript, Word

    words = (Word("We", 2.0, 2.2, 0.95), Word("shipped", 2.3, 2.8, 0.31), Word("it", 2.9, 3.0, 0.45),
             Word("fast.", 3.1, 3.5, 0.97))
    transcript = Transcript(text="Hello there. We shipped it fast.",
                            segments=(Segment(0.0, 1.8, "Hello there."), Segment(2.0, 3.5, "We shipped it fast.",
                                                                                  words=words)))
    lines = transcript_lines(transcript)
    assert [w.uncertain for w in lines[1].words] == [False, True, True, False]
    assert quote_time(transcript.text, "it fast", lines) == 2.9
    assert quote_time(transcript.text, "there", lines) == 0.9     # no word timings: 6 of 12 characters in
    assert quote_time(transcript.text, "never said", lines) is None
