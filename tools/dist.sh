#!/usr/bin/env bash
# dist.sh [-o DIR] [-v VERSION] [-n] [PLATFORM]...: build the release artifacts into DIR (dist/):
#
#   pulumi-resource-cloudrun-psc-v<version>-<os>-<arch>.tar.gz   per PLATFORM (<os>-<arch>; by
#       default linux, darwin and windows × amd64 and arm64): the provider plugin (.exe on
#       windows), LICENSE and README.md. The name is the asset the engine fetches for
#       pluginDownloadURL (sdk/go/common/workspace: pulumi-<kind>-<name>-v<version>-<os>-<arch>.tar.gz).
#   cloudrun-psc-pulumi-<version>.tgz                             the Node.js SDK compiled with tsc, npm pack
#   pulumi_cloudrun_psc-<version>.tar.gz, ...-py3-none-any.whl    the Python SDK's sdist, and the
#       wheel built from that sdist (so the sdist is proven complete) by pip with build isolation
#   SHA256SUMS                                                    of all of the above
#
# The SDKs are packed from sdk/ as committed; VERSION (by default schema.json's) must be the
# schema's version, which the SDKs carry. -n prints the plugin archive names and builds nothing.
# LDFLAGS (from the Makefile) stamps the version into the plugin. The plugins are built static
# and path-free (CGO_ENABLED=0, -trimpath), as a release must be: a cold build of the whole
# dependency tree. DIST_DEV=1 builds them as `make build` does instead (the Go cache's
# configuration, so only the link runs; dynamically linked on linux): for tests of the
# archives' names, contents and installation, never for a release. Needs tests/node_modules
# (tsc) and .venv (hatchling): tools/bootstrap.sh node python. Publishes nothing.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib.sh
source "$repo/tools/lib.sh"

out=$repo/dist
schema_version=$(sed -n 's/^ *"version": "\(.*\)",*$/\1/p' "$repo/schema.json" | head -n1)
version=$schema_version
names_only=false
while getopts "o:v:n" opt; do
  case $opt in
    o) out=$(mkdir -p "$OPTARG" && cd "$OPTARG" && pwd) ;;
    v) version=$OPTARG ;;
    n) names_only=true ;;
    *) echo "usage: $0 [-o DIR] [-v VERSION] [-n] [PLATFORM]..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
platforms=("$@")
[[ ${#platforms[@]} -gt 0 ]] || platforms=(linux-amd64 linux-arm64 darwin-amd64 darwin-arm64 windows-amd64 windows-arm64)

if [[ $version != "$schema_version" ]]; then
  echo "dist.sh: version $version is not schema.json's $schema_version, which the SDKs carry: bump VERSION in the Makefile and run make schema sdks" >&2
  exit 1
fi

plugin=pulumi-resource-cloudrun-psc
archive() { echo "$plugin-v$version-$1.tar.gz"; }

for platform in "${platforms[@]}"; do
  case $platform in
    linux-amd64 | linux-arm64 | darwin-amd64 | darwin-arm64 | windows-amd64 | windows-arm64) ;;
    *) echo "dist.sh: unknown platform $platform (<linux|darwin|windows>-<amd64|arm64>)" >&2; exit 2 ;;
  esac
  if $names_only; then archive "$platform"; fi
done
$names_only && exit 0

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ldflags=${LDFLAGS:--s -w -X github.com/cloudrun-psc/pulumi-cloudrun-psc/provider.Version=$version}
release_build=(env CGO_ENABLED=0 go build -trimpath)
if [[ ${DIST_DEV:-} == 1 ]]; then
  release_build=(go build)
  say "DIST_DEV=1: the plugins are built as make build does (not for release)"
fi

# --- Plugin archives -------------------------------------------------------------------------
for platform in "${platforms[@]}"; do
  os=${platform%-*} arch=${platform#*-} exe=$plugin
  [[ $os != windows ]] || exe=$plugin.exe
  mkdir -p "$work/$platform"
  (cd "$repo" && GOOS=$os GOARCH=$arch "$repo/tools/alive.sh" "dist: building $exe for $platform" \
    "${release_build[@]}" -ldflags "$ldflags" -o "$work/$platform/$exe" ./provider/cmd/$plugin)
  cp "$repo/LICENSE" "$repo/README.md" "$work/$platform/"
  tar -czf "$out/$(archive "$platform")" -C "$work/$platform" "$exe" LICENSE README.md
  say "wrote ${out#"$repo"/}/$(archive "$platform")"
done

# --- Node.js SDK -----------------------------------------------------------------------------
[[ -x $repo/tests/node_modules/.bin/tsc ]] || { echo "dist.sh: tests/node_modules is missing; run tools/bootstrap.sh node" >&2; exit 1; }
node_sdk_build "$repo/sdk/nodejs" "$repo/tests/node_modules" "$work/nodejs"
cp "$repo/LICENSE" "$repo/sdk/nodejs/README.md" "$work/nodejs/"
tgz=$(cd "$work/nodejs" && npm pack --silent --pack-destination "$out")
say "wrote ${out#"$repo"/}/$tgz"

# --- Python SDK ------------------------------------------------------------------------------
# The sdist is built with .venv's hatchling (the backend pyproject.toml names; pinned in
# tests/python/requirements.txt) through its PEP 517 hook, on a copy that gets LICENSE at its root
# (hatchling ships it as the licence file); the wheel is built from the unpacked sdist by `pip
# wheel`, in an isolated environment with the build requirements pyproject.toml declares (from
# PyPI or pip's cache), as `python -m build` does.
python=$repo/.venv/bin/python
[[ -x $python ]] || { echo "dist.sh: .venv is missing; run tools/bootstrap.sh python" >&2; exit 1; }
cp -r "$repo/sdk/python" "$work/python"
cp "$repo/LICENSE" "$work/python/"
sdist=$(cd "$work/python" && "$python" -c 'import sys, hatchling.build as b; print(b.build_sdist(sys.argv[1]))' "$out" \
  2>"$work/sdist.log" | tail -n1) || { cat "$work/sdist.log" >&2; exit 1; }
say "wrote ${out#"$repo"/}/$sdist"
mkdir -p "$work/unpacked" "$work/wheel"
tar -xzf "$out/$sdist" -C "$work/unpacked"
"$python" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$work/wheel" "$work/unpacked/${sdist%.tar.gz}" \
  >"$work/wheel.log" 2>&1 || { cat "$work/wheel.log" >&2; exit 1; }
wheel=$(cd "$work/wheel" && ls -- *.whl)
mv "$work/wheel/$wheel" "$out/"
say "wrote ${out#"$repo"/}/$wheel"

# --- Checksums -------------------------------------------------------------------------------
files=()
for platform in "${platforms[@]}"; do files+=("$(archive "$platform")"); done
files+=("$tgz" "$sdist" "$wheel")
(cd "$out" && sha256sum -- "${files[@]}" >SHA256SUMS)
say "wrote ${out#"$repo"/}/SHA256SUMS"
