#!/usr/bin/env bash
# bootstrap.sh: install the toolchain the tests and code generation need, all inside the repo.
#
#   bin/pulumi               the Pulumi CLI, built from tools/go.mod and version-stamped
#   bin/pulumi-language-yaml the YAML language host, built from tools/yaml/go.mod and stamped
#   tests/node_modules       from tests/package.json + package-lock.json (npm ci)
#   .venv                    from tests/python/requirements.txt
#   policy/node_modules      the policy pack's dependencies, from policy/package-lock.json (npm ci)
#   policy/bin               the policy pack, compiled from policy/*.ts with the tests' tsc
#   tests/node_modules/@cloudrun-psc/pulumi   the generated Node SDK (sdk/nodejs), compiled with tsc
#   pulumi_cloudrun_psc in .venv               the generated Python SDK (sdk/python), pip-installed
#
# Every step is skipped when its result is already current: a binary whose stamped version is the
# one its go.mod pins, node_modules or .venv installed from the lock file as it is now. A warm run
# takes a few seconds. Nothing is installed outside the repo except the Go, npm and pip caches.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"

# shellcheck source=tools/lib.sh
source "$repo/tools/lib.sh"

# go_tool_version DIR MODULE: the version of MODULE that DIR/go.mod pins.
go_tool_version() { (cd "$1" && go list -m -f '{{.Version}}' "$2"); }

mkdir -p bin

# --- Pulumi CLI ------------------------------------------------------------------------------
pulumi_version=$(go_tool_version tools github.com/pulumi/pulumi/pkg/v3)
if [[ -x bin/pulumi && $(bin/pulumi version 2>/dev/null) == "$pulumi_version" ]]; then
  say "bin/pulumi $pulumi_version is current"
else
  say "building bin/pulumi $pulumi_version (about 6 min on 2 cores with a cold Go cache)"
  elapsed bash -c "cd tools && go build -o ../bin/pulumi \
    -ldflags '-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version' \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
fi

# --- YAML language host ----------------------------------------------------------------------
yaml_version=$(go_tool_version tools/yaml github.com/pulumi/pulumi-yaml)
yaml_stamp="github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version"
if [[ -x bin/pulumi-language-yaml ]] && go version -m bin/pulumi-language-yaml | grep -qF -- "$yaml_stamp"; then
  say "bin/pulumi-language-yaml $yaml_version is current"
else
  say "building bin/pulumi-language-yaml $yaml_version"
  elapsed bash -c "cd tools/yaml && go build -o ../../bin/pulumi-language-yaml \
    -ldflags '-X $yaml_stamp' github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
fi

# --- Node packages ---------------------------------------------------------------------------
npm_ci tests
npm_ci policy
# The policy pack runs as JavaScript (package.json main: bin/index.js): policy/analyzer starts it
# with node, without ts-node.
policy_stamp=policy/bin/.bootstrap-stamp
policy_hash=$(hash_of policy/*.ts policy/tsconfig.json policy/package-lock.json)
if [[ -f $policy_stamp && $(cat "$policy_stamp") == "$policy_hash" ]]; then
  say "policy/bin is current"
else
  say "compiling the policy pack into policy/bin"
  rm -rf policy/bin
  elapsed tests/node_modules/.bin/tsc -p policy/tsconfig.json
  echo "$policy_hash" >"$policy_stamp"
fi

# --- Python venv -----------------------------------------------------------------------------
venv_stamp=.venv/.bootstrap-stamp
venv_hash=$(hash_of tests/python/requirements.txt)
if [[ -f $venv_stamp && $(cat "$venv_stamp") == "$venv_hash" && -x .venv/bin/python ]]; then
  say ".venv is current"
else
  say "installing .venv from tests/python/requirements.txt"
  rm -rf .venv
  elapsed bash -c "python3 -m venv .venv && .venv/bin/pip install --quiet --disable-pip-version-check \
    -r tests/python/requirements.txt"
  echo "$venv_hash" >"$venv_stamp"
fi

# --- Generated SDKs --------------------------------------------------------------------------
# The end-to-end tests run TypeScript and Python programs against the generated SDKs. They are
# built from sdk/ after the toolchains above, and rebuilt whenever a file under sdk/nodejs or
# sdk/python changes (or npm ci / the venv rebuild wiped them).
#
# Node: sdk/nodejs is TypeScript without a compiled bin/, so it cannot be an npm dependency of
# tests/package.json (npm ci would need the compiled package before tsc is installed). It is
# compiled with the tests' tsc straight into tests/node_modules/@cloudrun-psc/pulumi.
node_sdk_install "$repo/tests/node_modules"
# Python: installed into .venv without dependencies.
venv_sdk_install

say "ready: $(bin/pulumi version), pulumi-language-yaml $yaml_version, \
@pulumi/pulumi $(node -p 'require("./tests/node_modules/@pulumi/pulumi/package.json").version'), \
pulumi (python) $(venv_pulumi_version)"
