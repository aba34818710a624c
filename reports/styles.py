"""The report's stylesheet, inlined into report.html (screen) and used for report.pdf (print)."""

CSS = """
:root { --ink:#1d2939; --muted:#667085; --line:#e4e7ec; --good:#067647; --good-bg:#ecfdf3; --bad:#b42318;
        --bad-bg:#fef3f2; --accent:#1f4e8c; }
* { box-sizing: border-box; }
body { margin:0; background:#f2f4f7; color:var(--ink); font:15px/1.5 "DejaVu Sans", Arial, Helvetica, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px; background:#fff; }
h1 { margin: 0; font-size: 28px; } h2 { font-size: 20px; color: var(--accent); border-bottom: 2px solid var(--line);
  padding-bottom: 4px; margin: 28px 0 12px; } h3 { font-size: 16px; margin: 0 0 6px; } h4 { margin: 8px 0 4px; font-size: 14px; }
header { display:flex; justify-content:space-between; gap:16px; align-items:flex-start; border-bottom:3px solid var(--accent);
  padding-bottom: 16px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0; }
.role { font-size: 18px; margin: 2px 0; } .muted { color: var(--muted); font-size: 13px; margin: 2px 0; }
.decisions { display:flex; gap:10px; }
.decision { border-radius: 8px; padding: 10px 14px; min-width: 210px; border:1px solid var(--line); }
.decision .label, .stat .label, .scores .label { display:block; font-size: 11px; text-transform: uppercase;
  letter-spacing:.06em; color: var(--muted); }
.decision strong { display:block; font-size: 16px; }
.decision.good { background: var(--good-bg); border-color:#abefc6; } .decision.good strong { color: var(--good); }
.decision.bad { background: var(--bad-bg); border-color:#fecdca; } .decision.bad strong { color: var(--bad); }
.decision.none { background:#f9fafb; } .decision.none strong { color: var(--muted); }
.decision.human { background:#f5f8ff; border-color:#c7d7fe; } .decision p { margin: 4px 0 0; font-size: 13px; }
.score { font-size: 30px; font-weight: bold; } .score small { font-size: 14px; color: var(--muted); }
.stats { display:flex; gap:10px; flex-wrap: wrap; }
.stat { flex: 1 1 180px; border:1px solid var(--line); border-radius: 8px; padding: 8px 12px; background:#fcfcfd; }
.stat strong { font-size: 18px; }
.reasons li { margin: 2px 0; }
.exchange { border-left: 3px solid var(--line); padding: 2px 0 2px 12px; margin: 10px 0; page-break-inside: avoid; }
.question { font-weight: bold; margin: 0 0 4px; }
.candidate .speaker { font-weight: bold; color: var(--muted); }
.answer { margin: 4px 0; white-space: pre-wrap; } .answer.missing, em { color: var(--muted); }
.tag { font-size: 11px; font-weight: bold; border-radius: 4px; padding: 1px 6px; margin-right: 4px; }
.tag.planned { background:#eef4ff; color:#3538cd; } .tag.followup { background:#fdf2fa; color:#c11574; }
.tag.struggled { background: var(--bad-bg); color: var(--bad); }
.qid { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; color: var(--muted); }
.rel { font-size: 12px; color: var(--muted); }
.qcard { border:1px solid var(--line); border-radius: 10px; padding: 14px 16px; margin: 12px 0; page-break-inside: avoid; }
.qtext { font-style: italic; margin: 0 0 6px; }
.scores { display:flex; gap: 24px; margin: 8px 0; } .scores > div { flex: 1; }
.bar { background: var(--line); height: 10px; border-radius: 5px; overflow: hidden; margin: 4px 0; }
.bar span { display:block; height: 100%; background: var(--accent); }
.dots { margin: 4px 0; } .dot { display:inline-block; width: 12px; height: 12px; border-radius: 6px; background: var(--line);
  margin-right: 4px; } .dot.on { background: var(--accent); }
.cols { display:flex; gap: 16px; flex-wrap: wrap; } .cols > .list { flex: 1 1 280px; }
.list ul { margin: 2px 0 6px; padding-left: 18px; } .list.good h4 { color: var(--good); } .list.bad h4 { color: var(--bad); }
.redflags h4 { color: var(--bad); } .redflags li { color: var(--bad); }
blockquote { margin: 4px 0 6px; padding: 4px 10px; border-left: 3px solid #abefc6; background:#f6fef9; font-style: italic; }
.flag { display:inline-block; font-size: 12px; background:#fffaeb; color:#b54708; border-radius: 4px; padding: 1px 6px;
  margin: 2px 4px 2px 0; }
.justification { margin: 6px 0 0; }
.advisory { background:#fffaeb; border:1px solid #fedf89; border-radius: 6px; padding: 6px 10px; font-size: 13px; }
svg.chart { display:block; margin: 8px 0; } svg .axis { font-size: 12px; fill: #475467; } svg .legend { font-size: 13px; fill: #1d2939; }
table { border-collapse: collapse; } td, th { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; }
table.emotion td { text-align: right; } table.emotion td:first-child { text-align: left; } tr.avg td { font-weight: bold; }
.swatch { display:inline-block; width: 10px; height: 10px; margin-right: 4px; }
mark.low { background: none; color: inherit; text-decoration: underline wavy #dc6803; text-decoration-thickness: 1px;
  text-underline-offset: 3px; }
.legend { font-size: 13px; color: var(--muted); } .legend mark.low { color: var(--ink); }
.seek { cursor: pointer; } blockquote.seek:hover, span.seek:hover { background: #eef4ff; }
.player { margin: 6px 0; } .player audio { height: 32px; width: 360px; max-width: 100%; vertical-align: middle; }
.player a { font-size: 12px; }
footer { margin-top: 28px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print { body { background:#fff; font-size: 11px; } main { max-width: none; padding: 0; }
  header { display:block; } .player { display:none; } .decisions { margin-top: 8px; } h2 { page-break-after: avoid; } }
"""
