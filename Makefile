# The two commands that matter: `make run` and `make test`. Both build .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck pytest hostile eval eval-foreign bench bench-storage bench-known-item index console clean test-docker backup common-words

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)
	@echo 'Installed. Put alliance-bot on PATH in this shell with: . $(BIN)/activate'

run: install
	$(BIN)/alliance-bot

console: install
	$(BIN)/alliance-bot console

index: install
	$(BIN)/alliance-bot reindex

lint: install
	$(BIN)/ruff check bot index tests
	$(BIN)/ruff format --check bot index tests
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

test: lint typecheck pytest

# Slow fault trials: the real bot process SIGKILLed mid-delivery, restarted, messages counted.
hostile: install
	$(BIN)/pytest -q -s -m hostile -o timeout=1200 tests/e2e/test_hostile_kill.py

eval: install
	$(BIN)/python -m tests.eval.run_eval
	$(MAKE) --no-print-directory eval-foreign

eval-foreign: install
	$(BIN)/python -m tests.eval.run_eval --corpus tests/eval/foreign/corpus --questions tests/eval/foreign/questions.jsonl
	$(BIN)/python -m tests.eval.run_eval --corpus tests/eval/foreign2/corpus --questions tests/eval/foreign2/questions.jsonl
	$(BIN)/python -m tests.eval.run_eval --corpus tests/eval/foreign3/corpus --questions tests/eval/foreign3/questions.jsonl
	$(BIN)/python -m tests.eval.run_eval --corpus tests/eval/foreign4/corpus --questions tests/eval/foreign4/questions.jsonl
	$(BIN)/python -m tests.eval.run_eval --corpus tests/eval/foreign5/corpus --questions tests/eval/foreign5/questions.jsonl
	$(BIN)/python -m tests.eval.run_eval --corpus tests/eval/foreign6/corpus --questions tests/eval/foreign6/questions.jsonl
	$(BIN)/python -m tests.eval.run_eval --corpus tests/eval/foreign7/corpus --questions tests/eval/foreign7/questions.jsonl
	$(BIN)/python -m tests.eval.run_eval --corpus tests/eval/foreign8/corpus --questions tests/eval/foreign8/questions.jsonl
	$(BIN)/python -m tests.eval.run_eval --corpus tests/eval/foreign9/corpus --questions tests/eval/foreign9/questions.jsonl
	$(BIN)/python -m tests.eval.run_eval --corpus tests/eval/foreign10/corpus --questions tests/eval/foreign10/questions.jsonl

# Regenerate index/data/common_en.txt (frequent English words) from wordfreq, pinned in pyproject.
common-words: install
	$(BIN)/python -m pip install --quiet -e '.[test,lexicon-data]'
	$(BIN)/python -m tests.tools.common_words

bench: install
	$(BIN)/python -m tests.bench.run_bench

# Known-item search over ~2,000 local man pages (NAME line as the question), ours vs SQLite FTS5.
# First run renders the pages with groff (~1-2 min, cached in ~/.cache/alliance-bot/known-item).
bench-known-item: install
	$(BIN)/python -m tests.bench.bench_known_item

# Slow (~20 s): /help and /subscribe latency while another connection holds the write lock 12 s.
bench-storage: install
	$(BIN)/python -m tests.bench.bench_storage

# Builds the image and runs it in console mode; needs a Docker engine (minutes; not in `make test`).
test-docker: install
	ALLIANCE_DOCKER_TESTS=1 $(BIN)/pytest -q tests/deploy/test_docker_image.py

# A dated backup of the database and admin-added documents into backups/ (safe while the bot runs).
backup: install
	mkdir -p backups
	$(BIN)/alliance-bot backup backups/alliance-$$(date -u +%Y%m%dT%H%M%SZ).tar.gz

clean:
	rm -rf $(VENV) data .mypy_cache .pytest_cache .ruff_cache
