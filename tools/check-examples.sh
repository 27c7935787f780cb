#!/usr/bin/env bash
# check-examples.sh: prove that the TypeScript, Python and YAML examples are written against the
# SDKs generated into sdk/ as they are now.
#
#   ts      builds sdk/nodejs (tsc) into examples/ts/node_modules/@cloudrun-psc/pulumi, next to
#           @pulumi/pulumi and @pulumi/gcp from examples/ts/package-lock.json, then type-checks
#           examples/ts/{producer,consumer} with tsc --noEmit. (The end-to-end tests do not use
#           it: they run a copy of each example against tests/node_modules.)
#   python  brings .venv's pulumi_cloudrun_psc up to date with sdk/python (pulumi and pulumi_gcp
#           are .venv's own) and imports each example module, checking that it defines its
#           program function.
#   yaml    checks that every cloudrun-psc resource in examples/yaml has a type schema.json
#           declares and sets only inputs the schema declares for it (gcp types are not checked).
#
# Needs `tools/bootstrap.sh` (.venv) and npm. sdk/ is left exactly as it was.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib.sh
source "$repo/tools/lib.sh"
step() { printf '== %s\n' "$*"; }
for need in "$repo/.venv/bin/python"; do
  [[ -e $need ]] || { echo "check-examples: $need is missing; run tools/bootstrap.sh" >&2; exit 1; }
done

# --- TypeScript ------------------------------------------------------------------------------
ts=$repo/examples/ts
step "ts: npm ci (examples/ts)"
npm_ci examples/ts
step "ts: build the SDK into examples/ts/node_modules/@cloudrun-psc/pulumi"
node_sdk_install "$ts/node_modules"
for ex in producer consumer; do
  step "ts: tsc --noEmit examples/ts/$ex"
  (cd "$ts/$ex" && "$ts/node_modules/.bin/tsc" --noEmit -p tsconfig.json)
done

# --- Python ----------------------------------------------------------------------------------
# .venv already holds pulumi and pulumi_gcp (tests/python/requirements.txt); bring its
# pulumi_cloudrun_psc up to date with sdk/python, as bootstrap.sh does. check-sdks.sh is what
# proves that the SDK installs with its own dependencies into a fresh venv.
step "python: sdk/python into .venv"
venv_sdk_install
for ex in producer consumer; do
  step "python: import examples/python/$ex"
  (cd "$repo/examples/python/$ex" && "$repo/.venv/bin/python" - "$ex" <<'PY'
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
