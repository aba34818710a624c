"""The interview: plans, the turn loop (`session.run_session`) over its seams, the journal, replay and live
entry points, many sessions in one run (`batch`), the offline and LLM interviewers, and the LLM judge.

Builds on `voice` and `nlp`; never imports `reports`. `interview.cli` is the `interview` command: it joins the
library to `reports` and is the only code that prints.
"""
