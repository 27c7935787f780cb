#!/usr/bin/env bash
# check-sdks.sh DIR: prove that the SDKs generated into DIR/{nodejs,python,go} are usable.
#
#   nodejs  compiles with tsc against @pulumi/pulumi from tests/node_modules, and the compiled
#           package loads in Node and exports every resource class named with -r.
#   python  pip-installs, with the same `pulumi` as .venv, into a fresh venv and imports.
#   go      builds and vets as its own module with -mod=readonly (go.mod and go.sum complete).
#
# Every check works on a temporary copy or read-only, so DIR is left exactly as it was.
# Needs `tools/bootstrap.sh` to have run (tests/node_modules and .venv).
#
# Usage: tools/check-sdks.sh [-r Resource]... DIR
#   -r NAME   a resource class every SDK must export (repeatable), e.g. -r Example
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib.sh
source "$repo/tools/lib.sh"
resources=()
while getopts "r:" opt; do
  case $opt in
    r) resources+=("$OPTARG") ;;
    *) echo "usage: $0 [-r Resource]... DIR" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 ]] || { echo "usage: $0 [-r Resource]... DIR" >&2; exit 2; }
sdk=$(cd "$1" && pwd)

for need in "$repo/tests/node_modules/.bin/tsc" "$repo/.venv/bin/python"; do
  [[ -e $need ]] || { echo "check-sdks: $need is missing; run tools/bootstrap.sh" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { printf '== %s\n' "$*"; }

# --- Node.js ---------------------------------------------------------------------------------
step "nodejs: tsc"
node_sdk_build "$sdk/nodejs" "$repo/tests/node_modules" "$work/nodejs"
step "nodejs: load"
NODE_PATH="$repo/tests/node_modules" node -e '
  const sdk = require(process.argv[1]);
  const missing = process.argv.slice(2).filter((r) => typeof sdk[r] !== "function");
  if (missing.length) { console.error("nodejs SDK does not export:", missing.join(", ")); process.exit(1); }
' "$work/nodejs" "${resources[@]}"

# --- Python ----------------------------------------------------------------------------------
step "python: pip install"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "pulumi==$(venv_pulumi_version)" "$sdk/python"
step "python: import"
pkg=$(sed -n 's/^ *name = "\(.*\)"/\1/p' "$sdk/python/pyproject.toml" | head -n1)
(cd "$work" && "$work/venv/bin/python" - "$pkg" "${resources[@]}" <<'EOF'
import importlib, sys
mod = importlib.import_module(sys.argv[1])
missing = [r for r in sys.argv[2:] if not isinstance(getattr(mod, r, None), type)]
if missing:
    sys.exit("python SDK does not export: " + ", ".join(missing))
EOF
)

# --- Go --------------------------------------------------------------------------------------
step "go: build and vet"
(cd "$sdk/go" && GOFLAGS=-mod=readonly go build ./... && GOFLAGS=-mod=readonly go vet ./...)
unformatted=$(gofmt -l "$sdk/go")
[[ -z $unformatted ]] || { echo "go SDK is not gofmt-clean: $unformatted" >&2; exit 1; }
if ((${#resources[@]})); then
  for r in "${resources[@]}"; do
    grep -rqs "^func New$r(" "$sdk/go" || { echo "go SDK has no New$r" >&2; exit 1; }
  done
fi

step "all SDKs in $sdk are usable"
