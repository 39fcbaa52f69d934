# vanban — hai lệnh cài đặt: `make demo` và `make test` (xem README.md).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
# Optional system tools: LibreOffice for PDF, Liberation Serif (metrics of Times New Roman), poppler for
# PDF checks, Chromium for the browser test of the web app, Tesseract and its Vietnamese model to import
# scans. Installed when we are root with apt-get; otherwise the tests that need them skip with the reason.
APT_PACKAGES := libreoffice-writer-nogui fonts-liberation2 poppler-utils chromium tesseract-ocr tesseract-ocr-vie
PLAN := data/gia-lai-2021/ke-hoach-dan-van-2021.yaml
PLAN_2026 := data/gia-lai-2025/ke-hoach-dan-van-2026.yaml
# vanban is installed into the venv again only when pyproject.toml is newer than these stamps.
STAMP := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.installed-test-stamp
# pip and setuptools speak English: -qq and PYTHONWARNINGS silence their notes and warnings; errors still show.
PIP := PYTHONWARNINGS=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 $(BIN)/pip install -qq --no-warn-script-location

.PHONY: demo test bench install install-test system-deps templates font-metrics compiled-data national-units clean

$(BIN)/python:
	@echo "Tạo môi trường Python riêng cho vanban ($(VENV))…"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Cài đặt vanban và các thư viện cần dùng (chỉ khi pyproject.toml thay đổi)…"
	@$(PIP) -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@echo "Cài đặt vanban cùng công cụ kiểm thử (chỉ khi pyproject.toml thay đổi)…"
	@$(PIP) -e ".[test]"
	@touch $@ $(STAMP)

install: $(STAMP)

install-test: system-deps $(TEST_STAMP)

system-deps:
	@if command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 \
	    && fc-list 2>/dev/null | grep -qi "Liberation Serif" && [ -x /usr/bin/chromium ] \
	    && tesseract --list-langs 2>/dev/null | grep -qx vie; then \
	  echo "LibreOffice, poppler-utils, fonts-liberation2, chromium, tesseract-ocr-vie: đã có"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    $(APT_PACKAGES) >/dev/null) \
	  || echo "CẢNH BÁO: không cài được $(APT_PACKAGES); các kiểm thử cần chúng sẽ được bỏ qua"; \
	else \
	  echo "CẢNH BÁO: thiếu LibreOffice/poppler/Liberation fonts/Tesseract và không có quyền cài; các kiểm thử cần chúng sẽ được bỏ qua"; \
	fi
	@# PostgreSQL for the store's tests: Debian's server, a local cluster, role and database vanban_test
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    postgresql >/dev/null) || echo "CẢNH BÁO: không cài được postgresql; các kiểm thử PostgreSQL sẽ được bỏ qua"; \
	  pgver=$$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1); \
	  if [ -n "$$pgver" ]; then cd /tmp; \
	    pg_lsclusters -h 2>/dev/null | grep -q "^$$pgver main" || pg_createcluster -e UTF8 $$pgver main >/dev/null; \
	    pg_lsclusters -h | grep -q "^$$pgver main .* online" || pg_ctlcluster $$pgver main start \
	    || echo "CẢNH BÁO: không khởi động được PostgreSQL; các kiểm thử PostgreSQL sẽ được bỏ qua"; \
	    runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'vanban'" 2>/dev/null | grep -q 1 \
	    || runuser -u postgres -- psql -qc "CREATE ROLE vanban LOGIN PASSWORD 'vanban'" >/dev/null 2>&1; \
	    runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_database WHERE datname = 'vanban_test'" 2>/dev/null \
	    | grep -q 1 || runuser -u postgres -- createdb -O vanban -E UTF8 vanban_test >/dev/null 2>&1; \
	  fi; \
	fi

demo: install
	@echo "Tạo kế hoạch mẫu (Kế hoạch công tác dân vận năm 2021 của UBND tỉnh Gia Lai)…"
	@if command -v soffice >/dev/null 2>&1; then $(BIN)/vanban render $(PLAN) -o out --pdf; \
	else echo "(chưa có LibreOffice nên không tạo bản PDF)"; $(BIN)/vanban render $(PLAN) -o out; fi
	@echo "Cụ thể hóa kế hoạch cho từng cơ quan, đơn vị, địa phương…"
	@$(BIN)/vanban cascade $(PLAN) -o out/cascade --zip
	@echo "Tạo báo cáo 6 tháng…"
	@$(BIN)/vanban report $(PLAN) --period 6-thang -o out/bao-cao-6-thang
	@echo "Tạo sổ Excel mẫu để các đơn vị ghi kết quả 6 tháng (sổ đã điền được giữ nguyên)…"
	@$(BIN)/vanban results-template $(PLAN) --period 6-thang -o out/mau-so-excel-6-thang
	@echo "Cụ thể hóa Kế hoạch dân vận năm 2026 của tỉnh Gia Lai mới (135 xã, phường)…"
	@$(BIN)/vanban cascade $(PLAN_2026) -o out/gia-lai-2026 --zip
	@echo "Tạo cơ sở dữ liệu của trang web (SQLite, ở out/trang-web) và liệt kê tài khoản…"
	@$(BIN)/vanban users list --state out/trang-web
	@echo "Xong: các văn bản ở thư mục out/. Trang web: tạo tài khoản quản trị bằng"
	@echo "  $(BIN)/vanban users add TÊN --admin --state out/trang-web   rồi   $(BIN)/vanban serve --state out/trang-web"

test: install-test
	@echo "Chạy bộ kiểm thử…"
	@pg=postgresql+psycopg://vanban:vanban@localhost/vanban_test; \
	if [ -z "$$VANBAN_TEST_POSTGRES_URL" ] && command -v psql >/dev/null 2>&1 \
	    && PGPASSWORD=vanban PGCONNECT_TIMEOUT=3 psql -qtAc "SELECT 1" -h localhost -U vanban vanban_test >/dev/null 2>&1; then \
	  export VANBAN_TEST_POSTGRES_URL=$$pg; fi; \
	$(BIN)/pytest

# Speed and memory against plain docxtpl, the national batch, PDF, importing (bench/bench.py), and the web
# app under load over loopback (bench/load.py); prints ratios and the targets met.
bench: install system-deps
	@if command -v soffice >/dev/null 2>&1; then $(BIN)/python bench/bench.py --pdf; \
	else $(BIN)/python bench/bench.py; fi
	@$(BIN)/python bench/load.py

# Rebuild the .docx templates and the font metrics from their sources (for developers).
templates: install
	$(BIN)/python -m generator.buildtools.templates

font-metrics: install-test
	$(BIN)/python -m generator.buildtools.font_metrics

# After editing a file of generator/data: its parsed copy, which every process reads instead of the YAML.
compiled-data: install
	$(BIN)/python -m generator.buildtools.compiled_data

national-units: $(BIN)/python
	@$(PIP) -e ".[data]"
	$(BIN)/python -m generator.buildtools.national_units

clean:
	rm -rf $(VENV) out/*.docx out/*.pdf out/*.png
