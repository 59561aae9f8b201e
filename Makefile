# KL Playground. `make run` builds and serves; `make test` runs every test,
# installing what a fresh Debian machine lacks (Debian's chromium, npm packages).
GO       ?= go
GOROOT   := $(shell $(GO) env GOROOT)
ADDR     ?= 127.0.0.1:8080
CHROMIUM ?= /usr/bin/chromium
WASMEXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec

.PHONY: all build run test vet gotest wasmtest nodetest e2e bench wasmsize deps chromium clean

all: build

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

deps: node_modules/.installed

chromium:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# The site: wasm and its matching wasm_exec.js, the bundled page, precompressed copies.
build: deps
	rm -rf dist && mkdir -p dist
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o dist/klplay.wasm ./wasm
	cp $(GOROOT)/lib/wasm/wasm_exec.js dist/wasm_exec.js
	node web/build.mjs dist
	$(GO) run ./cmd/precompress dist
	rm -rf cmd/klplay/site && mkdir -p cmd/klplay/site && touch cmd/klplay/site/.gitkeep
	cp -r dist/. cmd/klplay/site/
	$(GO) build -trimpath -o bin/klplay ./cmd/klplay

run: build
	./bin/klplay -addr $(ADDR)

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...

# Native Go tests; core/ must keep at least 90 % statement coverage.
gotest:
	$(GO) test ./...
	$(GO) test -coverprofile=core.cover ./core/... >/dev/null
	@$(GO) tool cover -func=core.cover | awk '/^total:/ { sub("%", "", $$3); print "core coverage: " $$3 "%"; if ($$3 < 90) { print "core coverage is below 90%"; exit 1 } }'
	@rm -f core.cover

# The bridge's Go tests, run inside Node through Go's wasm exec wrapper.
wasmtest:
	GOOS=js GOARCH=wasm $(GO) test -exec="$(WASMEXEC)" ./wasm/...

# The JavaScript API as authors meet it: web/klplay.js + dist/klplay.wasm under Node.
nodetest: build
	node --test e2e/node/

# The page in real headless Chromium (Debian's), driven by playwright-core.
e2e: build chromium
	CHROMIUM=$(CHROMIUM) node --test --test-concurrency=1 e2e/browser/

test: vet gotest wasmtest nodetest e2e

bench: build chromium wasmsize
	$(GO) test -run='^$$' -bench=. -count=5 ./core/... | tee bench/go.txt
	CHROMIUM=$(CHROMIUM) node bench/browser.mjs

# The wasm's code bytes per Go package (the bridge is package main), from an
# unstripped build's name and code sections.
wasmsize:
	$(GO) run ./bench/wasmsize | tee bench/wasmsize.txt

clean:
	rm -rf dist bin cmd/klplay/site
	mkdir -p cmd/klplay/site && touch cmd/klplay/site/.gitkeep
