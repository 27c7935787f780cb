# lib.sh: steps shared by bootstrap.sh, check-sdks.sh and check-examples.sh. Source it after
# setting $repo to the repository root.

# sdk_files_hash DIR: a hash of the source files of a generated SDK, ignoring build output.
sdk_files_hash() {
  find "$1" -type f -not -path '*/node_modules/*' -not -path '*/bin/*' \
    -not -path '*/__pycache__/*' -not -name '*.pyc' -not -path '*.egg-info/*' -print0 | sort -z |
    xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

# venv_pulumi_version: the version of the `pulumi` Python package in .venv.
venv_pulumi_version() {
  "$repo/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("pulumi"))'
}

# hash_of FILE...: one hash of the files (named as given, so keep the paths stable).
hash_of() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

# npm_ci DIR: `npm ci` in DIR (relative to the repository root) unless DIR/node_modules was
# installed from DIR's package.json and package-lock.json as they are now.
npm_ci() {
  local dir=$1 stamp=$repo/$1/node_modules/.bootstrap-stamp hash
  hash=$(cd "$repo" && hash_of "$dir/package.json" "$dir/package-lock.json")
  if [[ -f $stamp && $(cat "$stamp") == "$hash" ]]; then
    say "$dir/node_modules is current"
  else
    "$repo/tools/alive.sh" "$(say "installing $dir/node_modules (npm ci)")" npm ci --prefix "$repo/$dir" --no-audit --no-fund --loglevel=error
    echo "$hash" >"$stamp"
  fi
}

# node_sdk_build SRC MODULES OUT: compile the generated Node SDK in SRC (sdk/nodejs) with the tsc
# of MODULES (a node_modules directory holding typescript and @pulumi/pulumi) into the package
# directory OUT (absolute), next to the package.json the SDK reads its version from. tsc runs on
# a copy, so SRC is left untouched. Placed inside MODULES, OUT resolves @pulumi/pulumi to MODULES'
# single copy (a second copy would break the SDK's instanceof checks on Outputs and Resources).
node_sdk_build() (
  local src=$1 modules=$2 out=$3 work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp -r "$src" "$work/nodejs"
  rm -rf "$work/nodejs/node_modules" "$work/nodejs/bin"
  ln -s "$modules" "$work/nodejs/node_modules"
  rm -rf "$out"
  (cd "$work/nodejs" && ./node_modules/.bin/tsc -p tsconfig.json --outDir "$out")
  cp "$src/package.json" "$out/package.json"
)

# node_sdk_install MODULES: compile sdk/nodejs into MODULES/@cloudrun-psc/pulumi unless it was
# already compiled from sdk/nodejs as it is now (an `npm ci` there wipes it, and its stamp).
node_sdk_install() {
  local modules=$1 out=$1/@cloudrun-psc/pulumi hash
  hash=$(sdk_files_hash "$repo/sdk/nodejs")
  if [[ -f $out/.bootstrap-stamp && $(cat "$out/.bootstrap-stamp") == "$hash" ]]; then
    say "${out#"$repo"/} is current"
  else
    say "compiling sdk/nodejs into ${out#"$repo"/}"
    elapsed node_sdk_build "$repo/sdk/nodejs" "$modules" "$out"
    echo "$hash" >"$out/.bootstrap-stamp"
  fi
}

# venv_sdk_install: install sdk/python into .venv unless it was installed from sdk/python as it is
# now. It goes in without dependencies, so that the pins of tests/python/requirements.txt stay the
# only source of pulumi and its closure (the SDK's own dependencies are among them).
venv_sdk_install() {
  local stamp=$repo/.venv/.bootstrap-sdk-stamp hash
  hash=$(sdk_files_hash "$repo/sdk/python")
  if [[ -f $stamp && $(cat "$stamp") == "$hash" ]]; then
    say "pulumi_cloudrun_psc in .venv is current"
  else
    say "installing sdk/python into .venv"
    elapsed venv_sdk_pip_install
    echo "$hash" >"$stamp"
  fi
}

# venv_sdk_pip_install: pip-install sdk/python into .venv. Its build backend (hatchling, set by
# tools/sdkgen/python.go) writes nothing into sdk/python; tests/release checks that it does not.
venv_sdk_pip_install() {
  "$repo/.venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall \
    "$repo/sdk/python"
}

# say MESSAGE: a progress line, prefixed with the script's name.
say() { local name=${0##*/}; printf '%s: %s\n' "${name%.sh}" "$*"; }
# elapsed COMMAND...: run COMMAND, then say how long it took.
elapsed() { local s=$SECONDS; "$@"; say "  done in $((SECONDS - s))s"; }
