# vanban — hai lệnh cài đặt: `make demo` và `make test` (xem README.md).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
# Optional system tools: LibreOffice for PDF, Liberation Serif (metrics of Times New Roman), poppler for
# PDF checks, Chromium for the browser test of the web app. Installed when we are root with apt-get;
# otherwise the tests that need them skip with the reason.
APT_PACKAGES := libreoffice-writer-nogui fonts-liberation2 poppler-utils chromium
PLAN := data/gia-lai-2021/ke-hoach-dan-van-2021.yaml

.PHONY: demo test bench install install-test system-deps templates font-metrics national-units clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python system-deps
	$(BIN)/pip install -q -e ".[test]"

system-deps:
	@if command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 \
	    && fc-list 2>/dev/null | grep -qi "Liberation Serif" && [ -x /usr/bin/chromium ]; then \
	  echo "LibreOffice, poppler-utils, fonts-liberation2, chromium: đã có"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    $(APT_PACKAGES) >/dev/null) \
	  || echo "CẢNH BÁO: không cài được $(APT_PACKAGES); các kiểm thử cần chúng sẽ được bỏ qua"; \
	else \
	  echo "CẢNH BÁO: thiếu LibreOffice/poppler/Liberation fonts và không có quyền cài; các kiểm thử cần chúng sẽ được bỏ qua"; \
	fi

demo: install
	@if command -v soffice >/dev/null 2>&1; then $(BIN)/vanban render $(PLAN) -o out --pdf; \
	else $(BIN)/vanban render $(PLAN) -o out; fi
	$(BIN)/vanban cascade $(PLAN) -o out/cascade --zip
	$(BIN)/vanban report $(PLAN) --period 6-thang -o out/bao-cao-6-thang
	$(BIN)/vanban results-template $(PLAN) --period 6-thang -o out/ket-qua-6-thang
	$(BIN)/vanban cascade data/gia-lai-2025/ke-hoach-dan-van-2026.yaml -o out/gia-lai-2026 --zip

test: install-test
	$(BIN)/pytest

# Speed and memory against plain docxtpl, the national batch, PDF (see bench/bench.py); prints ratios.
bench: install system-deps
	@if command -v soffice >/dev/null 2>&1; then $(BIN)/python bench/bench.py --pdf; \
	else $(BIN)/python bench/bench.py; fi

# Rebuild the .docx templates and the font metrics from their sources (for developers).
templates: install
	$(BIN)/python -m generator.buildtools.templates

font-metrics: install-test
	$(BIN)/python -m generator.buildtools.font_metrics

national-units: $(BIN)/python
	$(BIN)/pip install -q -e ".[data]"
	$(BIN)/python -m generator.buildtools.national_units

clean:
	rm -rf $(VENV) out/*.docx out/*.pdf out/*.png
