"""The hiring team's workspace: a local web front end beside the CLI, over the same library entry points.

`app.create_app(root, ...)` builds the Starlette application; `interview serve ROOT` runs it with uvicorn.
Sessions are found and summarised by `index.SessionIndex`; answer recordings are served only through
`recordings.answer_recording`, which applies the allowed-roots rule; `guard.Guard` enforces the
security rules (token, host, CSRF, headers). Nothing here writes except a review, which goes through
`interview.review.record_review` and `reports.rewrite_reports` exactly as `interview review` does.
"""
