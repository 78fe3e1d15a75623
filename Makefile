# The two commands of the README:  make run  (the dashboard)  and  make test  (every test).
# Both create .venv and install what they need; nothing else is required but Python 3.11+ and make.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-numerics install bench notebooks lint clean browser

run: $(STAMP)
	$(PY) -m dashboard.serve --port 8501

test: lint
	$(PY) -m pytest tests -p no:cacheprovider $(PYTEST_ARGS)
	$(PY) -m pytest --nbmake --nbmake-timeout=120 -p no:cacheprovider notebooks

# The numerical tests again, for another CPU kernel choice or batch size (CI runs this with
# OPENBLAS_CORETYPE=Haswell and TWITCH_CAUSES_TEST_CHUNK=7 after `make test`).
test-numerics: $(STAMP)
	$(PY) -m pytest tests -p no:cacheprovider -m "not browser" -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@echo "compiling the inference kernel once (numba keeps it on disk)..."
	$(PY) -c "import model; model.rank({'twitching': 'yes'}, detail=True)"
	touch $(STAMP)

# Debian's Chromium for the browser tests, a colour emoji font for the banners' symbols, and
# axe-core (npm, into tests/support/axe, git-ignored) for the accessibility checks (needs root;
# .ci/run calls it).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	test -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf || (apt-get update -qq && apt-get install -y -qq fonts-noto-color-emoji)
	test -f tests/support/axe/node_modules/axe-core/axe.min.js || npm install --silent --no-audit --no-fund --prefix tests/support/axe axe-core@4

lint: $(STAMP)
	$(VENV)/bin/ruff check model dashboard app.py tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
