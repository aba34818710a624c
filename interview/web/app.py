"""The workspace application: routes over the session index, the same library calls the CLI makes.

Pages: `/` (candidates by role), `/sessions/<id>` (one report, with players), `/cohort` (decision and
bias audit). Data: `/api/sessions`, `/api/cohort`. Files: answer recordings, report downloads, the audit
as CSV and PDF. Only `POST /sessions/<id>/review` writes, through `interview.review.record_review` and
`reports.rewrite_reports`, as `interview review` does.
"""
from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from interview.web.guard import Guard, csrf_token, same_origin
from interview.web.index import LIST_FLAGS, SessionIndex, SessionSummary
from nlp.emotion import DIMENSIONS as EMOTION_DIMENSIONS
from voice.errors import VivavoceError

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC = {"workspace.css": "text/css; charset=utf-8", "workspace.js": "text/javascript; charset=utf-8"}
SORTS = ("candidate", "score", "recommendation", "status", "date")
STATUSES = ("unreviewed", "advance", "hold", "reject", "flagged")
DEFAULT_PASS_RATE = 0.47
MAX_FORM_BYTES = 16_384
# report files a session page offers for download: name -> (renderer key, media type)
DOWNLOADS = {"report.pdf": ("pdf", "application/pdf"), "report.html": ("html", "text/html; charset=utf-8"),
             "report.md": ("md", "text/markdown; charset=utf-8"), "report.json": ("json", "application/json"),
             "transcript.md": ("transcript", "text/markdown; charset=utf-8")}
# a downloaded report.html is the self-contained report with its own inline styles
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass
class Workspace:
    root: Path
    index: SessionIndex
    categories: dict | None
    groups_name: str
    secret: bytes
    cwd: Path


def open_workspace(root: str | Path, *, groups_file: str | Path | None = None, cwd: Path | None = None) -> Workspace:
    """ROOT's session index, the groups file's categories (read once) and this server's CSRF secret.

    `cwd` is where a relative replay source in a journal header is looked for (see recordings.py).
    """
    from reports.cohort import read_groups_file

    return Workspace(root=Path(root).resolve(), index=SessionIndex(root),
                     categories=read_groups_file(groups_file) if groups_file else None,
                     groups_name=Path(groups_file).name if groups_file else "", secret=secrets.token_bytes(32),
                     cwd=(cwd or Path.cwd()).resolve())


def create_app(ws: Workspace, *, token: str | None = None):
    """The ASGI app over the workspace's sessions; `token` None means loopback-only access."""
    pages = _Pages(ws)
    routes = [
        Route("/", pages.candidates),
        Route("/api/sessions", pages.api_sessions),
        Route("/cohort", pages.cohort),
        Route("/api/cohort", pages.api_cohort),
        Route("/cohort/audit.csv", pages.audit_csv),
        Route("/cohort/audit.pdf", pages.audit_pdf),
        Route("/static/{name}", pages.static),
        Route("/sessions/{sid}", pages.session),
        Route("/sessions/{sid}/review", pages.review, methods=["POST"]),
        Route("/sessions/{sid}/audio/{qid}", pages.audio),
        Route("/sessions/{sid}/{name}", pages.download),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: pages.http_error})
    return Guard(app, token=token)


class _Pages:
    def __init__(self, ws: Workspace):
        self.ws = ws
        self.templates = _environment()

    # --- pages -------------------------------------------------------------------------------------

    def candidates(self, request: Request) -> Response:
        summaries = self.ws.index.refresh()
        role, status = request.query_params.get("role", ""), request.query_params.get("status", "")
        sort = request.query_params.get("sort", "score")
        sort = sort if sort in SORTS else "score"
        descending = request.query_params.get("order", "desc" if sort in ("score", "date") else "asc") == "desc"
        shown = _sorted(_filtered(summaries, role, status), sort, descending)
        groups: dict[str, list[SessionSummary]] = {}
        for s in shown:
            groups.setdefault(s.role, []).append(s)
        return self._page("candidates.html", request, groups=sorted(groups.items()), total=len(summaries),
                          shown=len(shown), roles=sorted({s.role for s in summaries}), role=role, status=status,
                          statuses=STATUSES, sort=sort, descending=descending, problems=self.ws.index.problems,
                          root=self.ws.root, list_flags=LIST_FLAGS)

    def api_sessions(self, request: Request) -> Response:
        summaries = self.ws.index.refresh()
        shown = _filtered(summaries, request.query_params.get("role", ""), request.query_params.get("status", ""))
        return JSONResponse([s.as_dict() for s in _sorted(shown, "score", True)])

    def session(self, request: Request, error: str = "", status_code: int = 200) -> Response:
        from interview.web.recordings import answer_recording
        from interview.web.views import answers, placed_strengths

        summary, record, ev = self._load(request.path_params["sid"])
        audio = [t.question.id for t in record.turns
                 if answer_recording(self.ws.root, summary.folder, record, t.question.id, self.ws.cwd)]
        shown = answers(ev, record, audio)
        return self._page("session.html", request, status_code=status_code, s=summary, ev=ev, answers=shown,
                          strengths=placed_strengths(ev, shown), csrf=csrf_token(self.ws.secret, summary.id),
                          downloads=tuple(DOWNLOADS), error=error)

    async def review(self, request: Request) -> Response:
        from interview.review import checked_review
        from voice.clock import SystemClock

        summary = self.ws.index.summary(request.path_params["sid"])
        if summary is None:
            raise HTTPException(404)
        body = await _limited_body(request)
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        expected = csrf_token(self.ws.secret, summary.id)
        if not secrets.compare_digest(form.get("csrf", ""), expected) or \
                not same_origin(request.headers, request.url.scheme):
            return self._page("error.html", request, status_code=403, title="Refused",
                              message="This form did not come from this workspace's page. Reload the page and "
                                      "submit again.")
        try:
            review = checked_review(form.get("reviewer", ""), form.get("decision", ""), form.get("note", ""))
        except VivavoceError as e:
            message = e.one_line().replace("--", "")
            return await run_in_threadpool(self.session, request, message, 400)
        await run_in_threadpool(_record_and_rewrite, summary.folder, review, SystemClock.wall_iso())
        return RedirectResponse(f"/sessions/{summary.id}#review", status_code=303)

    def cohort(self, request: Request) -> Response:
        role, rate, cohort, audit, error = self._cohort(request)
        ids = {s.relative: s.id for s in self.ws.index.refresh()}
        query = f"role={_q(role)}&pass_rate={rate:g}" if rate else ""
        return self._page("cohort.html", request, status_code=400 if error else 200, role=role,
                          roles=sorted({s.role for s in self.ws.index.refresh()}), pass_rate=rate or DEFAULT_PASS_RATE,
                          cohort=cohort, audit=audit, error=error, ids=ids, query=query, audit_html=_audit_html(audit),
                          groups_name=self.ws.groups_name)

    def api_cohort(self, request: Request) -> Response:
        from reports.render_cohort import cohort_to_dict

        role, rate, cohort, audit, error = self._cohort(request)
        if error:
            return JSONResponse({"error": error}, status_code=400)
        if cohort is None:
            return JSONResponse({"error": "no sessions"}, status_code=404)
        return JSONResponse({"role": role or None, **cohort_to_dict(cohort, audit)})

    def audit_csv(self, request: Request) -> Response:
        from reports.render_audit import render_audit_csv

        audit = self._audit_or_404(request)
        return Response(render_audit_csv(audit), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": 'attachment; filename="audit.csv"'})

    def audit_pdf(self, request: Request) -> Response:
        from reports.render_audit import render_audit_pdf

        audit = self._audit_or_404(request)
        return self._pdf(lambda: render_audit_pdf(audit), "audit.pdf")

    def download(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in DOWNLOADS:
            raise HTTPException(404)
        summary, record, ev = self._load(request.path_params["sid"])
        kind, media = DOWNLOADS[name]
        filename = f"{summary.id}-{name}"
        if kind == "pdf":
            from reports.render_pdf import render_pdf
            return self._pdf(lambda: render_pdf(ev), filename)
        if kind == "transcript":
            from reports.render_md import render_transcript_md
            body = render_transcript_md(ev)
        else:
            from reports.write import renderer
            body = renderer(kind)(ev)
        headers = {"content-disposition": f'attachment; filename="{filename}"'}
        if kind == "html":
            headers["content-security-policy"] = REPORT_CSP
        return Response(body, media_type=media, headers=headers)

    def audio(self, request: Request) -> Response:
        from interview.web.recordings import AUDIO_TYPES, answer_recording

        summary, record, _ = self._load(request.path_params["sid"], evaluate=False)
        path = answer_recording(self.ws.root, summary.folder, record, request.path_params["qid"], self.ws.cwd)
        if path is None:
            raise HTTPException(404)
        # FileResponse answers Range requests with 206 and Content-Range, so the player can seek
        return FileResponse(path, media_type=AUDIO_TYPES[path.suffix.lower()])

    def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise HTTPException(404)
        return FileResponse(HERE / "static" / name, media_type=STATIC[name])

    async def http_error(self, request: Request, exc: HTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed"}
        return self._page("error.html", request, status_code=exc.status_code,
                          title=titles.get(exc.status_code, "Error"),
                          message="There is no such page, session or recording in this workspace."
                          if exc.status_code == 404 else str(exc.detail))

    # --- helpers -----------------------------------------------------------------------------------

    def _page(self, template: str, request: Request, status_code: int = 200, **context) -> Response:
        html = self.templates.get_template(template).render(request=request, **context)
        return HTMLResponse(html, status_code=status_code)

    def _load(self, session_id: str, evaluate: bool = True):
        from interview.journal import read_journal
        from reports.build import build_evaluation

        summary = self.ws.index.summary(session_id)
        if summary is None:
            raise HTTPException(404)
        try:
            record = read_journal(summary.folder).record()
        except (VivavoceError, OSError):
            raise HTTPException(404) from None
        return summary, record, build_evaluation(record) if evaluate else None

    def _cohort(self, request: Request):
        from reports.audit import decide_with_audit
        from voice.clock import SystemClock

        role = request.query_params.get("role", "")
        try:
            rate = float(request.query_params.get("pass_rate", DEFAULT_PASS_RATE))
        except ValueError:
            return role, None, None, None, "pass_rate must be a number such as 0.47"
        members = [s for s in self.ws.index.refresh() if not role or s.role == role]
        if not members:
            return role, rate, None, None, ""
        try:
            cohort, audit = decide_with_audit(
                [(s.cohort_entry(), s.facts) for s in members], rate, self.ws.categories,
                audit_date=SystemClock.wall_iso()[:10], role=role or None,
                data_source=f"self-reported categories in {self.ws.groups_name}")
        except VivavoceError as e:
            return role, None, None, None, e.one_line()
        return role, rate, cohort, audit, ""

    def _audit_or_404(self, request: Request):
        _, _, _, audit, error = self._cohort(request)
        if error:
            raise HTTPException(400, error)
        if audit is None:
            raise HTTPException(404)
        return audit

    def _pdf(self, render, filename: str) -> Response:
        from voice.errors import MissingDependency

        try:
            body = render()
        except MissingDependency as e:
            raise HTTPException(503, e.one_line()) from None
        return Response(body, media_type="application/pdf",
                        headers={"content-disposition": f'attachment; filename="{filename}"'})


def _record_and_rewrite(folder: Path, review, at: str) -> None:
    """What `interview review` does: journal the decision, then render the reports already there again."""
    from interview.review import record_review
    from reports import rewrite_reports

    record_review(folder, review, at)
    rewrite_reports(folder)


def _filtered(summaries: list[SessionSummary], role: str, status: str) -> list[SessionSummary]:
    out = [s for s in summaries if not role or s.role == role]
    if status == "flagged":
        return [s for s in out if s.flags]
    if status in STATUSES:
        return [s for s in out if s.status == status]
    return out


def _sorted(summaries: list[SessionSummary], sort: str, descending: bool) -> list[SessionSummary]:
    from interview.web.views import RECOMMENDATION_ORDER

    keys = {"candidate": lambda s: s.candidate.lower(), "score": lambda s: -1 if s.score is None else s.score,
            "recommendation": lambda s: RECOMMENDATION_ORDER.get(s.recommendation, 2),
            "status": lambda s: s.status, "date": lambda s: s.date or ""}
    # a stable order first (folder), so equal keys keep the same order on every request
    ordered = sorted(summaries, key=lambda s: s.id)
    return sorted(ordered, key=keys[sort], reverse=descending)


async def _limited_body(request: Request) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413, "the form is too large")
    return body


def _audit_html(audit):
    """The audit section rendered by reports (every value escaped there), marked safe for the template."""
    if audit is None:
        return ""
    from markupsafe import Markup

    from reports.render_audit import render_audit_section
    return Markup(render_audit_section(audit))


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from interview.web import views

    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(clock=views.clock, recommendation=views.recommendation_text,
                       tone=views.recommendation_tone, tojson_safe=lambda v: json.dumps(v))
    env.globals.update(flag_text=views.flag_text, emotion_dimensions=EMOTION_DIMENSIONS)
    return env
