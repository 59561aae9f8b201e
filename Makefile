# KL Playground. `make run` builds and serves; `make test` runs every test,
# installing what a fresh Debian machine lacks (Debian's chromium, npm packages).
GO       ?= go
GOROOT   := $(shell $(GO) env GOROOT)
ADDR     ?= 127.0.0.1:8080
CHROMIUM ?= /usr/bin/chromium
WASMEXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec

.PHONY: all build run test vet gotest wasmtest nodetest e2e bench floor wasmsize deps chromium clean

all: build

# npm ci empties node_modules first: through a symlink (a checkout sharing another
# checkout's packages) it would empty those too, so a linked node_modules is used
# as it is. Otherwise npm ci runs when package-lock.json differs, by content, from
# the one installed: a fresh clone's new mtimes are no reason to reinstall.
deps:
	@if [ -L node_modules ]; then :; \
	elif ! cmp -s package-lock.json node_modules/.installed; then \
	  npm ci --no-audit --no-fund && cp package-lock.json node_modules/.installed; fi

chromium:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# The site: wasm and its matching wasm_exec.js, the bundled page, precompressed
# copies, and the server that embeds them. Each step is a file made from its
# inputs, so a rebuild redoes only what they changed.
build: bin/klplay

WASM_SRC   := go.mod go.sum $(shell find core wasm -type f ! -name '*_test.go' ! -path '*/testdata/*')
WEB_SRC    := package-lock.json $(shell find web -type f)
SERVER_SRC := go.mod go.sum $(filter-out %_test.go,$(wildcard cmd/klplay/*.go cmd/precompress/*.go))

dist/klplay.wasm: $(WASM_SRC) $(GOROOT)/VERSION
	@mkdir -p dist
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $@ ./wasm

dist/wasm_exec.js: $(GOROOT)/lib/wasm/wasm_exec.js
	@mkdir -p dist
	cp $< $@

# sw.js, written last, lists and hashes every file of the build, the wasm too.
dist/sw.js: $(WEB_SRC) dist/klplay.wasm dist/wasm_exec.js | deps
	node web/build.mjs dist

# precompress keeps the compressed copies of files that did not change.
bin/klplay: dist/sw.js $(SERVER_SRC)
	$(GO) run ./cmd/precompress dist
	rm -rf cmd/klplay/site && mkdir -p cmd/klplay/site && touch cmd/klplay/site/.gitkeep
	cp -r dist/. cmd/klplay/site/
	$(GO) build -trimpath -o $@ ./cmd/klplay

run: build
	./bin/klplay -addr $(ADDR)

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...

# Native Go tests; core/ must keep at least 90 % statement coverage. One run
# gives both: each package's profile counts its own tests only, as a run over
# ./core/... alone would.
MODULE = $(shell $(GO) list -m)
gotest:
	$(GO) test -coverprofile=go.cover ./...
	@grep -E '^mode:|^$(MODULE)/core/' go.cover > core.cover
	@$(GO) tool cover -func=core.cover | awk '/^total:/ { sub("%", "", $$3); print "core coverage: " $$3 "%"; if ($$3 < 90) { print "core coverage is below 90%"; exit 1 } }'
	@rm -f go.cover core.cover

# The bridge's Go tests, run inside Node through Go's wasm exec wrapper.
wasmtest:
	GOOS=js GOARCH=wasm $(GO) test -exec="$(WASMEXEC)" ./wasm/...

# The JavaScript API as authors meet it: web/klplay.js + dist/klplay.wasm under Node.
nodetest: build
	node --test e2e/node/

# The page in real headless Chromium (Debian's), driven by playwright-core: one
# server and one browser for every test file (e2e/run.mjs).
e2e: build chromium
	CHROMIUM=$(CHROMIUM) node e2e/run.mjs

test: vet gotest wasmtest nodetest e2e

bench: build chromium wasmsize floor
	$(GO) test -run='^$$' -bench=. -count=5 ./core/... | tee bench/go.txt
	CHROMIUM=$(CHROMIUM) node bench/browser.mjs

# The floor every load figure is a ratio to (bench/floor): one KL in Go-in-wasm,
# built with the playground's Go and flags, precompressed by the same tool.
FLOOR := bench/floor/dist
floor: $(FLOOR)/floor.wasm
$(FLOOR)/floor.wasm: bench/floor/main.go bench/floor/index.html bench/floor/floor.js $(WASM_SRC) $(GOROOT)/lib/wasm/wasm_exec.js
	@mkdir -p $(FLOOR)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $@ ./bench/floor
	cp bench/floor/index.html bench/floor/floor.js $(GOROOT)/lib/wasm/wasm_exec.js $(FLOOR)/
	$(GO) run ./cmd/precompress $(FLOOR)

# The wasm's code bytes per Go package (the bridge is package main), from an
# unstripped build's name and code sections.
wasmsize:
	$(GO) run ./bench/wasmsize | tee bench/wasmsize.txt

clean:
	rm -rf dist bin cmd/klplay/site $(FLOOR)
	mkdir -p cmd/klplay/site && touch cmd/klplay/site/.gitkeep
