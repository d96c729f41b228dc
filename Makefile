# Wegwijs. `make help` lists the targets. `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
LANGS := $(shell sed -n 's/^- code: *//p' content/languages.yml)
CATALOG_DIR := translations
POT := $(CATALOG_DIR)/messages.pot
# Debian packages. To serve: pango for WeasyPrint, ffmpeg to convert editors' recordings. To test
# and measure as well: the browser for real-browser tests, poppler to check PDFs, Ghostscript to
# render a print without its text (the print fault check), zbar to read QR codes back, wrk for
# bench/, Redis and PostgreSQL, which the tests start themselves for the set-up of a whole
# region, and espeak-ng, whose Dutch voice makes the tests' own short recordings.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 ffmpeg
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils ghostscript fonts-noto-core zbar-tools \
	wrk redis-server postgresql espeak-ng
EXTRACT := $(BIN)/pybabel extract -F babel.cfg --add-comments=Translators: --add-location=never \
	--no-wrap --sort-output --project=Wegwijs --copyright-holder="Wegwijs" -k _l -k lazy_gettext .

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 22

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

.PHONY: venv
venv: $(BIN)/.installed ## create .venv with the Python packages

# Install the Debian packages named in $(1) that are missing (as root, or with sudo).
define install_debian
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

.PHONY: system
system: ## install the Debian packages the tests need, when missing (needs root)
	$(call install_debian,$(TEST_PACKAGES))

.PHONY: system-run
system-run: ## install the Debian packages the server needs, when missing (needs root)
	$(call install_debian,$(RUN_PACKAGES))

.PHONY: catalogs
catalogs: venv ## compile the UI catalogs (.po -> .mo)
	@for lang in $(LANGS); do \
		$(BIN)/pybabel compile -d $(CATALOG_DIR) -D messages -l $$lang || exit 1; \
	done

.PHONY: translations
translations: venv ## extract UI strings, update every catalog, compile them
	$(EXTRACT) -o $(POT)
	@for lang in $(LANGS); do \
		if [ ! -f $(CATALOG_DIR)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel init --no-wrap -i $(POT) -d $(CATALOG_DIR) -l $$lang || exit 1; \
			sed -i '0,/^#, fuzzy$$/{/^#, fuzzy$$/d}' $(CATALOG_DIR)/$$lang/LC_MESSAGES/messages.po; \
		fi; \
		$(BIN)/pybabel update --no-wrap --ignore-obsolete -i $(POT) -d $(CATALOG_DIR) -l $$lang || exit 1; \
	done
	$(BIN)/python tools/fill_english.py $(CATALOG_DIR)/en/LC_MESSAGES/messages.po
	$(MAKE) catalogs

.PHONY: pot-check
pot-check: venv ## fail when translations/messages.pot is older than the code
	@$(EXTRACT) -o $(VENV)/messages.pot >/dev/null 2>&1
	@strip='^"(POT-Creation-Date|Generated-By): '; \
	if ! diff <(grep -vE "$$strip" $(POT)) <(grep -vE "$$strip" $(VENV)/messages.pot) >/dev/null; then \
		echo "translations/messages.pot is stale: run 'make translations' and commit the result"; exit 1; \
	fi

.PHONY: lint
lint: venv pot-check ## ruff, ruff format, mypy and the catalog check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

.PHONY: format
format: venv ## format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: test
test: system venv catalogs lint ## install what is missing, lint, then run the whole test suite
	$(BIN)/pytest

.PHONY: run
run: system-run venv catalogs ## serve the portal with gunicorn at http://$(HOST):$(PORT)
	$(BIN)/gunicorn --config gunicorn.conf.py --no-control-socket --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - app:app

.PHONY: debug
debug: system-run venv catalogs ## serve with Flask's debug server (reloads on code changes)
	$(BIN)/flask --app app run --debug --host $(HOST) --port $(PORT)

.PHONY: check
check: venv catalogs ## check every content file as the portal loads it
	$(BIN)/flask --app app content check

.PHONY: fonts
fonts: venv ## rebuild the bundled fonts from Debian's fonts-noto-core
	$(BIN)/python tools/build_fonts.py

.PHONY: pictograms
pictograms: venv ## rasterise the pictograms for prints (after changing a drawing)
	$(call install_debian,librsvg2-bin)
	$(BIN)/python tools/build_pictograms.py

.PHONY: bench
bench: system venv catalogs ## run the benchmarks (results: bench/README.md)
	$(BIN)/python -m bench.run
