# reviewdesk: `make run` and `make test` set up everything they need on a fresh Debian or Ubuntu machine.

SHELL        := /bin/bash
DESKTOP_TAGS := desktop,production,webkit2_41
BIN          := build/bin/reviewdesk
SERVER_BIN   := build/bin/reviewdesk-server
DEMO_DB      := build/bin/demo.db
ADDR         ?= 127.0.0.1:8080
GO_SOURCES    = $(shell find . -name '*.go' -not -path './frontend/*' -not -path './e2e/*') go.mod go.sum $(wildcard store/migrations/*.sql)
FE_SOURCES    = $(shell find frontend/src -type f) frontend/index.html frontend/package.json frontend/vite.config.ts

.PHONY: all setup frontend build server run demo test test-go test-fuzz test-frontend test-e2e test-duckdb test-desktop bench bench-ui clean

all: build

setup:
	@scripts/setup.sh

# The old build's assets go first (vite keeps dist/.gitkeep, which go:embed needs, so it does not empty dist):
# every file there is embedded in the binary.
frontend/dist/index.html: $(FE_SOURCES) | setup
	rm -rf frontend/dist/assets
	cd frontend && npm run build

frontend: setup frontend/dist/index.html

# The desktop binary (the window, plus every subcommand).
$(BIN): $(GO_SOURCES) frontend/dist/index.html
	go build -tags $(DESKTOP_TAGS) -o $(BIN) .

build: setup $(BIN)

# The server binary: no Wails, no WebKit; runs where no desktop libraries exist.
server: setup frontend/dist/index.html
	go build -tags server -o $(SERVER_BIN) .

$(DEMO_DB): | $(BIN)
	$(BIN) demo --db $(DEMO_DB)

demo: build $(DEMO_DB)

# Opens the desktop window on the demo data where there is a display, and serves it to browsers otherwise.
run: build $(DEMO_DB)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "opening the reviewdesk window on $(DEMO_DB)"; \
		$(BIN) --db $(DEMO_DB); \
	else \
		echo "no display: serving reviewdesk on http://$(ADDR) (open it in a browser; Ctrl+C stops)"; \
		$(BIN) serve --db $(DEMO_DB) --addr $(ADDR); \
	fi

test: setup frontend test-frontend test-go test-fuzz test-e2e test-duckdb test-desktop

test-frontend:
	cd frontend && npm test

test-go:
	go vet ./...
	go test -race ./...
	@# The load test measures latency and the crash tests run the CLI as subprocesses: the race detector would
	@# distort the one and slow the other tenfold, so they run without it, one package at a time so that the
	@# crash tests' subprocesses do not take the cores the load test measures with.
	go test -p 1 -count=1 -run 'TestLoad50Reviewers|TestCrash' -v ./app .

# A short run of every fuzz target; FUZZTIME=5m scripts/fuzz.sh for a long one.
test-fuzz:
	FUZZTIME=3s scripts/fuzz.sh

test-e2e: $(BIN)
	@[ ! -f e2e/package.json ] || (cd e2e && REVIEWDESK_BIN=../$(BIN) npm test)

# DuckDB, a reader that shares no code with reviewdesk, checks the gold Delta table (e2e/duckdb).
test-duckdb: setup
	cd e2e/duckdb && npm ci --no-audit --no-fund && npm test

# The window on its own database, then the window connected to a team server (log in, decide, check on the server).
test-desktop: $(BIN)
	@[ ! -x scripts/desktop-smoke.sh ] || scripts/desktop-smoke.sh $(BIN)
	@[ ! -x scripts/desktop-connect.sh ] || scripts/desktop-connect.sh $(BIN)

# The scale benchmarks (1,000,000 items; ITEMS=5000000 for the full population); results go to docs/benchmarks.md.
ITEMS ?= 1000000
bench: build
	go run ./bench --items $(ITEMS) --bin $(BIN)

# The review screen on 100,000 items in Chromium: first screen and key press to next item painted (docs/benchmarks.md).
bench-ui: build
	cd e2e && REVIEWDESK_BIN=../$(BIN) npm run perf

clean:
	rm -rf build/bin frontend/dist/assets frontend/dist/index.html
