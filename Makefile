# fcsync's build. The two commands a newcomer needs are `make demo` and
# `make test` (README.md); both install what they need on a fresh machine.
GO      ?= go
BIN     := $(CURDIR)/bin
NODEDIR := conformance/node

.PHONY: build demo test deps node-deps bench fuzz soak vet clean

VERSION := $(shell git describe --always --dirty 2>/dev/null)

build:
	$(GO) build -ldflags "-X github.com/fcsync/fcsync/cli.buildVersion=$(VERSION)" -o $(BIN)/ ./cmd/fcsync ./cmd/fc-emulator ./cmd/fc-console

# The walkthrough of the seed article's three cases against fc-emulator.
demo: build
	@bash scripts/demo.sh "$(BIN)"

# Tools the tests call: git (the scenarios check every repository with
# git fsck, git status and git merge), Node.js for the SDK conformance test,
# and Debian's chromium for the web console's browser test (it fails instead
# of skipping when CI or FCSYNC_CI is set and chromium is missing).
deps:
	@command -v git >/dev/null && command -v node >/dev/null && command -v npm >/dev/null && command -v chromium >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git nodejs npm chromium; }

node-deps: deps
	npm ci --prefix $(NODEDIR) --no-audit --no-fund --loglevel=error

# FCSYNC_REQUIRE_NODE makes the Node.js conformance test fail instead of skip
# when its SDK is missing, so CI cannot pass without running it. The race
# detector slows the CLI scenarios several times over, beyond go test's
# default 10-minute limit on a busy 2-core machine: hence -timeout.
# Then each fuzzer runs briefly beyond its corpus: a count of executions,
# not a time, since Go's fuzz engine fails a timed run whose deadline falls
# while it minimizes a new input ("context deadline exceeded"), which says
# nothing about fcsync; a count has no deadline.
test: node-deps
	$(GO) vet ./...
	FCSYNC_REQUIRE_NODE=1 $(GO) test -race -timeout 30m -count=1 ./...
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZBRIEF)

# The benchmarks of the pure parts, then the real fcsync binary against
# fc-emulator at 20 ms a call: FC 2.0 fleets of 100, 1,000 and 3,000 functions
# (the 3,000 one in its no-op scenarios only), FC 3.0 fleets of 100 and 1,000
# (the 1,000 one in its no-op fetch and push only) and one 50 MB function,
# about 10 minutes on 2 cores (BENCH_FLAGS narrows it, e.g. -sizes 100,1000
# or -api fc3).
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) build -o $(BIN)/ ./cmd/fcsync-bench
	$(BIN)/fcsync-bench -fcsync $(BIN)/fcsync -emulator $(BIN)/fc-emulator -json $(BIN)/bench.json $(BENCH_FLAGS)

# Each fuzzer for FUZZTIME (plain go test runs their seed corpora, crashers
# included, under testdata/fuzz). `make fuzz FUZZTIME=10m` for a long run;
# make test runs each for FUZZBRIEF executions (about 25 s in all).
FUZZTIME ?= 30s
FUZZBRIEF ?= 5000x
FUZZERS  := FuzzUnpackZip FuzzParse FuzzMergeText FuzzRenderParse FuzzCheckPath FuzzParseRecorded
fuzz:
	@for f in $(FUZZERS); do \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./sync/ || exit 1; \
	done

# The long versions of the scenarios make test runs short (FCSYNC_SOAK): a
# pull of 99,990 files; 20 seeded Flaky API runs on a 200-function fleet at
# 20 requests/s and 60 SIGKILL trials (issue 9), which print their figures
# (runs, trials, outcomes, faults injected). FCSYNC_SEED=N replays a seed.
soak:
	FCSYNC_SOAK=1 $(GO) test -count=1 -timeout 3h -run 'TestScripts' ./cli/
	FCSYNC_SOAK=1 $(GO) test -count=1 -v -timeout 3h -run '^(TestFlakyAPI|TestKilledProcess)(FC3)?$$' ./cli/

# make soak: the long runs of the randomized tests. Each adds itself as a
# prerequisite ("soak: soak-x"), so several can sit side by side.
# soak-model: TestModel (issue 7) and TestModelFC3 (issue 14), 20 seeds x 400 steps of console edits,
# local commits, pull and push against its model of the sync point; replay
# a failure with the -seed it prints.
.PHONY: soak soak-model
soak: soak-model
soak-model: deps
	FCSYNC_SOAK=1 $(GO) test -count=1 -timeout 2h -run '^TestModel(FC3)?$$' ./cli/

clean:
	rm -rf $(BIN) $(NODEDIR)/node_modules
