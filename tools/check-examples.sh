#!/usr/bin/env bash
# check-examples.sh: prove that the TypeScript, Python and YAML examples are written against the
# SDKs generated into sdk/ as they are now.
#
#   ts      builds sdk/nodejs (tsc) into examples/ts/node_modules/@cloudrun-psc/pulumi, next to
#           @pulumi/pulumi and @pulumi/gcp from examples/ts/package-lock.json, then type-checks
#           examples/ts/{producer,consumer} with tsc --noEmit. The same node_modules lets the
#           end-to-end tests run the examples.
#   python  installs sdk/python and pulumi-gcp into a fresh venv (with .venv's pulumi) and
#           imports each example module, checking that it defines its program function.
#   yaml    checks that every resource type in examples/yaml is served by sdk's schema or gcp.
#
# Needs `tools/bootstrap.sh` (.venv) and npm. sdk/ is left exactly as it was.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib.sh
source "$repo/tools/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { printf '== %s\n' "$*"; }
for need in "$repo/.venv/bin/python"; do
  [[ -e $need ]] || { echo "check-examples: $need is missing; run tools/bootstrap.sh" >&2; exit 1; }
done

# --- TypeScript ------------------------------------------------------------------------------
ts=$repo/examples/ts
step "ts: npm ci (examples/ts)"
if [[ ! -d $ts/node_modules/@pulumi/gcp || $ts/package-lock.json -nt $ts/node_modules/.package-lock.json ]]; then
  (cd "$ts" && npm ci --no-audit --no-fund --loglevel=error)
fi
step "ts: build the SDK into examples/ts/node_modules/@cloudrun-psc/pulumi"
node_sdk_install "$ts/node_modules"
for ex in producer consumer; do
  step "ts: tsc --noEmit examples/ts/$ex"
  (cd "$ts/$ex" && "$ts/node_modules/.bin/tsc" --noEmit -p tsconfig.json)
done

# --- Python ----------------------------------------------------------------------------------
step "python: pip install sdk/python and pulumi-gcp"
pulumi_py=$("$repo/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("pulumi"))')
python3 -m venv "$work/venv"
cp -r "$repo/sdk/python" "$work/python-sdk"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "pulumi==$pulumi_py" "pulumi-gcp==8.41.1" \
  "$work/python-sdk"
for ex in producer consumer; do
  step "python: import examples/python/$ex"
  (cd "$repo/examples/python/$ex" && "$work/venv/bin/python" - "$ex" <<'PY'
import importlib, sys
name = sys.argv[1]
mod = importlib.import_module(name)
if not callable(getattr(mod, name, None)):
    sys.exit(f"examples/python/{name}/{name}.py defines no function {name}()")
PY
  )
done

# --- YAML ------------------------------------------------------------------------------------
step "yaml: resource types"
"$repo/.venv/bin/python" - "$repo/schema.json" "$repo"/examples/yaml/*/Pulumi.yaml <<'PY'
import json, sys, yaml
schema = json.load(open(sys.argv[1]))
ok = True
for path in sys.argv[2:]:
    doc = yaml.safe_load(open(path))
    for name, res in (doc.get("resources") or {}).items():
        t = res["type"]
        if t.startswith("cloudrun-psc:") and t not in schema["resources"]:
            print(f"{path}: {name}: {t} is not in schema.json"); ok = False
        for prop in (res.get("properties") or {}):
            if t.startswith("cloudrun-psc:") and prop not in schema["resources"].get(t, {}).get("inputProperties", {}):
                print(f"{path}: {name}: {t} has no input {prop}"); ok = False
sys.exit(0 if ok else 1)
PY

step "all examples match the SDKs"
