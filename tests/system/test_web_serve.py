"""`interview serve` as a user starts it: the printed address, the token off loopback, and a replay's recordings."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from interview.plan import load_plan
from tests.conftest import assert_clean_error, run_cli
from tests.fakes_reports import candidate_record, write_session
from tests.system.conftest import REPO, Served

EXAMPLE = REPO / "examples" / "ml-engineer"


def fetch(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A replay of examples/ml-engineer journaled as `make demo` does (relative source, absolute recordings),
    served off loopback (all interfaces) so a token is generated."""
    root = tmp_path_factory.mktemp("out")
    plan = load_plan(EXAMPLE / "plan.yaml")
    base = candidate_record("Alex Morgan", plan.role, 0.7)
    q1 = base.turns[0].__class__(**{**base.turns[0].__dict__, "question": plan.questions[0],
                                    "audio_path": str((EXAMPLE / f"{plan.questions[0].id}.ogg").resolve())})
    record = base.__class__(plan=plan, turns=(q1,), meta={**base.meta, "source": "examples/ml-engineer"})
    (root / "demo").mkdir()
    write_session(root / "demo", record)
    server = Served(root, "--host", "0.0.0.0")
    yield server
    server.stop()


def test_off_loopback_a_token_is_generated_printed_once_and_required(served):
    assert "?token=" in served.url and "shown only once" in served.next_line()
    local = served.base.replace("0.0.0.0", "127.0.0.1")
    token = served.url.split("?token=", 1)[1]
    for path in ("/", "/api/sessions", "/sessions/demo", "/static/workspace.css"):
        assert fetch(local + path)[0] == 401
    status, headers, _ = fetch(f"{local}/?token={token}")
    assert status == 303 and "HttpOnly" in headers["Set-Cookie"]
    status, _, body = fetch(local + "/api/sessions", {"Authorization": f"Bearer {token}"})
    assert status == 200 and json.loads(body)[0]["candidate"] == "Alex Morgan"


def test_the_replayed_recording_plays_from_its_source_folder(served):
    local = served.base.replace("0.0.0.0", "127.0.0.1")
    auth = {"Authorization": "Bearer " + served.url.split("?token=", 1)[1]}
    status, headers, body = fetch(f"{local}/sessions/demo/audio/ML_Q1", {**auth, "Range": "bytes=0-1023"})
    assert status == 206 and headers["Content-Type"] == "audio/ogg" and len(body) == 1024
    assert body == (EXAMPLE / "ML_Q1.ogg").read_bytes()[:1024]
    # another recording in the same folder is not named by this journal
    assert fetch(f"{local}/sessions/demo/audio/ML_Q2", auth)[0] == 404


@pytest.mark.parametrize("args, needle", [(["nowhere"], "no such folder"),
                                          (["{root}", "--token", "short"], "shorter than 16"),
                                          (["{root}", "--port", "70000"], "port"),
                                          (["{root}", "--groups", "{root}/missing.csv"], "groups file not found")])
def test_serve_bad_usage_is_one_line_exit_2(tmp_path, args, needle):
    result = run_cli("serve", *[a.format(root=tmp_path) for a in args], cwd=tmp_path)
    assert_clean_error(result, needle)
