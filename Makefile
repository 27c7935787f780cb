# cloudrun-psc: Pulumi components that publish a Cloud Run service privately through Private
# Service Connect. `make help` lists the targets. The chain of file targets is
# bin/pulumi-resource-cloudrun-psc -> schema.json -> sdk/; bin/ holds only built binaries.

SHELL   := bash
VERSION ?= 0.1.0
FUZZTIME ?= 10s
# make dist: the platforms of the plugin archives (<os>-<arch>), and where the release goes.
PLATFORMS ?= linux-amd64 linux-arm64 darwin-amd64 darwin-arm64 windows-amd64 windows-arm64
DIST      ?= dist
# -s -w drop the symbol table and DWARF (debugger data): the plugin is a third smaller (119 MB to
# 80 MB, BENCHMARKS.md) and starts as fast; panics still print function names and lines.
LDFLAGS := -s -w -X github.com/cloudrun-psc/pulumi-cloudrun-psc/provider.Version=$(VERSION)

# The Go modules: the library (this directory: pkg/, provider/, the plugin's main, examples/go)
# and, each with its own go.mod that replaces the library with this checkout, the simulator, the
# tests, the benchmarks and the demo driver. The library's go.mod lists only what users need.
MODULES   := . sim tests bench examples/demo
LIB_SRC   := go.mod go.sum $(shell find pkg provider -name '*.go' -not -name '*_test.go') $(wildcard provider/docs/*.md)
SIM_SRC   := sim/go.mod sim/go.sum $(shell find sim -name '*.go' -not -name '*_test.go') sim/gcpsim/schema.json
SDKGEN    := tools/go.mod $(wildcard tools/sdkgen/*.go)

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

# The demo is Go only: it needs the Pulumi CLI (a pulumi on PATH, at least the pinned version, or
# one built into bin/), the simulator plugin and its CLI; not the YAML host, npm or pip packages.
.PHONY: demo
demo: bin/pulumi-resource-gcp bin/gcpsim bin/cloudrun-psc ## Run producer, consumer and DNS through the real engine on the GCP simulator.
	tools/bootstrap.sh demo
	cd examples/demo && ../../tools/alive.sh "compiling the demo (examples/demo)" go build -o ../../bin/demo .
	bin/demo

.PHONY: tools
tools: ## Build the stamped Pulumi CLI and YAML host into bin/, install the test npm and pip packages (cached).
	tools/bootstrap.sh

.PHONY: build
build: bin/pulumi-resource-cloudrun-psc bin/pulumi-resource-gcp bin/gcpsim bin/cloudrun-psc ## Build the provider, the cloudrun-psc CLI (doctor), the GCP simulator plugin and its CLI.

bin/pulumi-resource-cloudrun-psc: $(LIB_SRC)
	tools/alive.sh "building $@" go build -ldflags "$(LDFLAGS)" -o $@ ./provider/cmd/pulumi-resource-cloudrun-psc

bin/cloudrun-psc: go.mod go.sum $(shell find pkg/doctor pkg/chain cmd -name '*.go' -not -name '*_test.go')
	tools/alive.sh "building $@" go build -ldflags "-s -w" -o $@ ./cmd/cloudrun-psc

bin/pulumi-resource-gcp: $(SIM_SRC)
	cd sim && ../tools/alive.sh "building $@" go build -o ../$@ ./cmd/pulumi-resource-gcp

bin/gcpsim: $(SIM_SRC)
	cd sim && ../tools/alive.sh "building $@" go build -o ../$@ ./cmd/gcpsim

schema.json: bin/pulumi-resource-cloudrun-psc
	provider/scripts/schema.sh $< > $@.tmp && mv $@.tmp $@

.PHONY: schema
schema: schema.json ## Regenerate schema.json from the provider.

sdk/.stamp: schema.json $(SDKGEN)
	cd tools && go run ./sdkgen ../schema.json ../sdk
	touch $@

.PHONY: sdks
sdks: sdk/.stamp ## Regenerate the Node.js, Python and Go SDKs from schema.json.

.PHONY: dist
dist: ## Build the release into dist/: plugin archives for PLATFORMS, the npm package, the Python sdist and wheel (publishes nothing).
	tools/bootstrap.sh node python
	rm -rf $(DIST)
	LDFLAGS="$(LDFLAGS)" tools/dist.sh -o $(DIST) -v $(VERSION) $(PLATFORMS)

# make packages: what a user installs before a release, for this machine's platform only (make
# dist cross-compiles the plugin for every platform); docs/installation-configuration.md.
HOST_PLATFORM = $(shell go env GOOS)-$(shell go env GOARCH)

.PHONY: packages
packages: ## Build into dist/ this platform's plugin archive, the npm package and the Python wheel (installing from a clone).
	$(MAKE) --no-print-directory dist PLATFORMS=$(HOST_PLATFORM)

.PHONY: test
test: tools build ## Run every test: unit, simulator, provider, SDKs and end to end through the engine.
	tools/gotest.sh -timeout 40m
	tools/check-sdks.sh -r ProducerService -r ConsumerEndpoint -r DnsBinding sdk
	tools/check-examples.sh

.PHONY: fresh
fresh: ## Maintainers: make demo, then make test, in a fresh clone of HEAD with empty caches; prints their times (about 40 min; FRESH_FLAGS=--keep).
	tools/fresh-clone.sh $(FRESH_FLAGS)

.PHONY: e2e-gcp
e2e-gcp: tools build ## On Google Cloud (never in CI): the Go examples up, converge, a VM calls the service; docs/maintaining.md.
	cd tests && CLOUDRUN_PSC_GCP=1 go test -count=1 -v -timeout 120m -run TestAcceptance ./acceptance

.PHONY: fuzz
fuzz: ## Run every Go fuzz target for FUZZTIME each (10s; a longer hunt: make fuzz FUZZTIME=10m).
	FUZZTIME=$(FUZZTIME) tools/fuzz.sh

.PHONY: bench
bench: tools build ## Benchmark overhead, critical path, scale and provider start on the simulator; write BENCHMARKS.md.
	cd bench && go run ./cmd/bench -o ../BENCHMARKS.md

.PHONY: lint
lint: ## go vet and a gofmt check.
	for m in $(MODULES) tools; do (cd $$m && go vet ./...) || exit 1; done
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^sdk/')); [[ -z $$out ]] || { echo "gofmt needed: $$out"; exit 1; }
