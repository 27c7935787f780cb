#!/usr/bin/env bash
# bootstrap.sh [PART]...: install the toolchain the tests and code generation need, all inside the
# repo. The parts (all of them when none is named):
#
#   cli     bin/pulumi, the Pulumi CLI, built from tools/go.mod and version-stamped
#   yaml    bin/pulumi-language-yaml, the YAML language host, built from tools/yaml/go.mod and stamped
#   node    tests/node_modules from tests/package.json + package-lock.json (npm ci), and the
#           generated Node SDK (sdk/nodejs) compiled with tsc into tests/node_modules/@cloudrun-psc/pulumi;
#           policy/node_modules (npm ci) and the policy pack compiled into policy/bin with that tsc
#   python  .venv from tests/python/requirements.txt, and the generated Python SDK (sdk/python)
#           pip-installed into it
#   demo    what `make demo` needs: the CLI only. A `pulumi` on PATH at least as new as the pinned
#           one is used instead of building one (bin/pulumi becomes a link to it, and it says so).
#
# Every step is skipped when its result is already current: a binary whose stamped version is the
# one its go.mod pins, node_modules or .venv installed from the lock file as it is now. A warm run
# takes a few seconds. Long steps print a line every 30 s (tools/alive.sh). Nothing is installed
# outside the repo except the Go, npm and pip caches.
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

# version_at_least HAVE WANT: HAVE (v3.x.y) is WANT or newer.
version_at_least() { [[ $(printf '%s\n%s\n' "${2#v}" "${1#v}" | sort -V | head -n1) == "${2#v}" ]]; }

# cli_from_path: link bin/pulumi to a `pulumi` on PATH (outside the repo) that is at least the
# pinned version; false when there is none.
cli_from_path() {
  local found have
  found=$(type -P pulumi 2>/dev/null) || return 1
  found=$(realpath "$found")
  [[ $found != "$repo/bin/"* ]] || return 1
  have=$("$found" version 2>/dev/null) || return 1
  version_at_least "$have" "$pulumi_version" || {
    say "pulumi $have on PATH ($found) is older than the pinned $pulumi_version: not using it"
    return 1
  }
  ln -sfn "$found" bin/pulumi
  say "using pulumi $have from PATH ($found) as bin/pulumi; no build needed (pinned: $pulumi_version)"
}

part_cli() {
  if [[ -L bin/pulumi && $want_exact_cli == true ]]; then
    rm -f bin/pulumi # a link to a PATH pulumi from `make demo`; the tests use the pinned version
  fi
  if [[ -x bin/pulumi && $(bin/pulumi version 2>/dev/null) == "$pulumi_version" ]]; then
    say "bin/pulumi $pulumi_version is current"
  elif [[ $want_exact_cli == false ]] && cli_from_path; then
    :
  else
    rm -f bin/pulumi
    tools/alive.sh "$(say "building bin/pulumi $pulumi_version from the Go module proxy (about 6 min on 2 cores with a cold Go cache)")" \
      bash -c "cd tools && go build -o ../bin/pulumi \
      -ldflags '-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version' \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
  fi
}

# --- YAML language host ----------------------------------------------------------------------
yaml_version=$(go_tool_version tools/yaml github.com/pulumi/pulumi-yaml)
part_yaml() {
  local stamp="github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version"
  if [[ -x bin/pulumi-language-yaml ]] && go version -m bin/pulumi-language-yaml | grep -qF -- "$stamp"; then
    say "bin/pulumi-language-yaml $yaml_version is current"
  else
    tools/alive.sh "$(say "building bin/pulumi-language-yaml $yaml_version")" \
      bash -c "cd tools/yaml && go build -o ../../bin/pulumi-language-yaml \
      -ldflags '-X $stamp' github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
  fi
}

# --- Node packages and the Node SDK ----------------------------------------------------------
# The end-to-end tests run TypeScript programs against the generated SDK, rebuilt whenever a file
# under sdk/nodejs changes (or npm ci wiped it). sdk/nodejs is TypeScript without a compiled bin/,
# so it cannot be an npm dependency of tests/package.json (npm ci would need the compiled package
# before tsc is installed). It is compiled with the tests' tsc straight into
# tests/node_modules/@cloudrun-psc/pulumi.
#
# The policy pack runs as JavaScript (package.json main: bin/index.js): policy/analyzer starts it
# with node, without ts-node.
part_node() {
  npm_ci tests
  node_sdk_install "$repo/tests/node_modules"
  npm_ci policy
  local policy_stamp=policy/bin/.bootstrap-stamp policy_hash
  policy_hash=$(hash_of policy/*.ts policy/tsconfig.json policy/package-lock.json)
  if [[ -f $policy_stamp && $(cat "$policy_stamp") == "$policy_hash" ]]; then
    say "policy/bin is current"
  else
    rm -rf policy/bin
    tools/alive.sh "$(say "compiling the policy pack into policy/bin")" tests/node_modules/.bin/tsc -p policy/tsconfig.json
    echo "$policy_hash" >"$policy_stamp"
  fi
}

# --- Python venv and the Python SDK ----------------------------------------------------------
# The SDK is installed into .venv without dependencies, rebuilt whenever sdk/python changes.
part_python() {
  local venv_stamp=.venv/.bootstrap-stamp venv_hash
  venv_hash=$(hash_of tests/python/requirements.txt)
  if [[ -f $venv_stamp && $(cat "$venv_stamp") == "$venv_hash" && -x .venv/bin/python ]]; then
    say ".venv is current"
  else
    rm -rf .venv
    tools/alive.sh "$(say "installing .venv from tests/python/requirements.txt")" \
      bash -c "python3 -m venv .venv && .venv/bin/pip install --quiet --disable-pip-version-check \
      -r tests/python/requirements.txt"
    echo "$venv_hash" >"$venv_stamp"
  fi
  venv_sdk_install
}

parts=("$@")
[[ ${#parts[@]} -gt 0 ]] || parts=(cli yaml node python)
# Only `demo` alone may use a newer pulumi from PATH: the tests run on the pinned CLI.
want_exact_cli=true
[[ ${parts[*]} != demo ]] || { want_exact_cli=false; parts=(cli); }
ready=()
for part in "${parts[@]}"; do
  case $part in
    cli) part_cli; ready+=("$(bin/pulumi version)") ;;
    yaml) part_yaml; ready+=("pulumi-language-yaml $yaml_version") ;;
    node) part_node; ready+=("@pulumi/pulumi $(node -p 'require("./tests/node_modules/@pulumi/pulumi/package.json").version')") ;;
    python) part_python; ready+=("pulumi (python) $(venv_pulumi_version)") ;;
    *) echo "bootstrap.sh: unknown part $part (cli, yaml, node, python, demo)" >&2; exit 2 ;;
  esac
done
say "ready: $(IFS=,; echo "${ready[*]}" | sed 's/,/, /g')"
